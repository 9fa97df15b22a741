import * as tfl from "@tensorflow/tfjs-layers";

/** Numbers a callback receives, e.g. `{ loss: 0.42, accuracy: 0.88 }`. */
export type Logs = Record<string, number>;

/**
 * Python `keras.callbacks.Callback`: override the hooks you need; `this.model` is the model being trained.
 *
 * @example
 * class PrintLoss extends keras.callbacks.Callback {
 *   override onEpochEnd(epoch: number, logs: keras.callbacks.Logs) { console.log(epoch, logs.loss); }
 * }
 * await model.fit(x, y, { epochs: 3, callbacks: [new PrintLoss()] });
 */
export class Callback {
  /** Set by `fit`/`evaluate` before the first hook runs. */
  model!: tfl.LayersModel;
  setModel(model: tfl.LayersModel): void {
    this.model = model;
  }
  onTrainBegin(_logs: Logs): void | Promise<void> {}
  onTrainEnd(_logs: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs: Logs): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs: Logs): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs: Logs): void | Promise<void> {}
}
