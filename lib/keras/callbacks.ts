// Callback lives in its own file so callbacks in callbacks/ can extend it without an import cycle.
import type { Logs } from "./callbacks/callback.js";
export { Callback, type Logs } from "./callbacks/callback.js";
export { ModelCheckpoint, type ModelCheckpointOptions } from "./callbacks/model-checkpoint.js";

/**
 * What `fit` returns (Python `keras.callbacks.History`): `history.history.loss[epoch]` etc. as plain numbers.
 */
export class History {
  readonly history: Record<string, number[]> = {};
  readonly epoch: number[] = [];
  /** The hyper-parameters of the run (`epochs`, `steps`, `verbose`). */
  params: Record<string, number> = {};
  record(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}
