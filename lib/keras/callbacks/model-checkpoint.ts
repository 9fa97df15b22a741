import * as tfl from "@tensorflow/tfjs-layers";
import { Callback, type Logs } from "./callback.js";
import { saveWeights as saveModelWeights } from "../saving/api.js";
import { pythonFormat, type FormatValue } from "./python-format.js";

export interface ModelCheckpointOptions {
  /** Where to save; may hold Python format fields such as `{epoch:04d}` or `{val_loss:.2f}`. */
  filepath?: string;
  /** The logged quantity `saveBestOnly` compares (default `"val_loss"`). */
  monitor?: string;
  /** 1 prints Keras's line `Epoch 1: saving model to …` at each save; 0 (default) is silent. */
  verbose?: 0 | 1;
  /** Save only when `monitor` improved on the best value seen so far. */
  saveBestOnly?: boolean;
  /** `model.saveWeights(path)` (true) or `model.save(path)` (false, the default as in Keras). */
  saveWeightsOnly?: boolean;
  /** Whether larger (`"max"`) or smaller (`"min"`) `monitor` values are better; `"auto"` guesses from the name. */
  mode?: "auto" | "min" | "max";
  /** `"epoch"` (default): save at each epoch's end; a number N: save every N batches. */
  saveFreq?: "epoch" | number;
  /** With saveBestOnly: the value the first save must beat (instead of ±infinity). */
  initialValueThreshold?: number;
}

/**
 * Python `keras.callbacks.ModelCheckpoint`: saves the model or its weights during `fit`, at the end of
 * each epoch or every `saveFreq` batches, to a path that may name the epoch and metrics.
 * Epochs in paths and messages count from 1, as in Keras. Weights go to TensorFlow checkpoints (the
 * folder's `checkpoint` file then names the newest, for `tf.train.latestCheckpoint`).
 *
 * @example
 * const callback = new keras.callbacks.ModelCheckpoint({ filepath: "training_1/cp.ckpt", saveWeightsOnly: true, verbose: 1 });
 * await model.fit(x, y, { epochs: 10, callbacks: [callback] });   // prints "Epoch 1: saving model to training_1/cp.ckpt"
 * // or, with Python's positional filepath:
 * new keras.callbacks.ModelCheckpoint("training_2/cp-{epoch:04d}.ckpt", { saveWeightsOnly: true, saveFreq: 5 * batchesPerEpoch });
 */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: 0 | 1;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly saveFreq: "epoch" | number;
  readonly mode: "min" | "max";
  /** The best `monitor` value saved so far (saveBestOnly). */
  best: number;
  private currentEpoch = 0;
  private batchesSinceLastSave = 0;

  constructor(filepath: string, options?: Omit<ModelCheckpointOptions, "filepath">);
  constructor(options: ModelCheckpointOptions & { filepath: string });
  constructor(first: string | ModelCheckpointOptions, rest: ModelCheckpointOptions = {}) {
    super();
    const options = typeof first === "string" ? { ...rest, filepath: first } : first;
    if (typeof options.filepath !== "string" || options.filepath === "") {
      throw new Error(
        'ModelCheckpoint needs a file path: new keras.callbacks.ModelCheckpoint("training_1/cp.ckpt", { saveWeightsOnly: true }) or new keras.callbacks.ModelCheckpoint({ filepath: "training_1/cp.ckpt" }).',
      );
    }
    this.filepath = options.filepath;
    this.monitor = options.monitor ?? "val_loss";
    this.verbose = options.verbose ?? 0;
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.saveWeightsOnly = options.saveWeightsOnly ?? false;
    const saveFreq = options.saveFreq ?? "epoch";
    if (saveFreq !== "epoch" && !(Number.isInteger(saveFreq) && saveFreq > 0)) {
      throw new Error(
        `Unrecognized saveFreq: ${JSON.stringify(saveFreq)}. Expected "epoch" or a positive whole number of batches (e.g. 5 * Math.ceil(samples / batchSize) for every 5 epochs).`,
      );
    }
    this.saveFreq = saveFreq;
    const mode = options.mode ?? "auto";
    if (!["auto", "min", "max"].includes(mode)) {
      throw new Error(`ModelCheckpoint mode ${JSON.stringify(mode)} is unknown; use "auto", "min" or "max".`);
    }
    // Keras's guess for "auto": accuracies (and F-measures) grow, everything else (losses) shrinks.
    this.mode = mode === "auto" ? (this.monitor.includes("acc") || this.monitor.startsWith("fmeasure") ? "max" : "min") : mode;
    this.best = options.initialValueThreshold ?? (this.mode === "max" ? -Infinity : Infinity);
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override async onBatchEnd(batch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === "epoch") return;
    this.batchesSinceLastSave += 1;
    if (this.batchesSinceLastSave < this.saveFreq) return;
    this.batchesSinceLastSave = 0;
    await this.saveModel(this.currentEpoch, batch, logs);
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.saveFreq === "epoch") await this.saveModel(epoch, undefined, logs);
  }

  /** The path for a save: `filepath` with `{epoch}` (1-based), `{batch}` (1-based) and the logs filled in. */
  filePath(epoch: number, batch: number | undefined, logs: Logs): string {
    const values: Record<string, FormatValue> = { ...logs, epoch: { integer: epoch + 1 } };
    if (batch !== undefined) values.batch = { integer: batch + 1 };
    return pythonFormat(this.filepath, values);
  }

  private async saveModel(epoch: number, batch: number | undefined, logs: Logs): Promise<void> {
    const path = this.filePath(epoch, batch, logs);
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined || Number.isNaN(Number(current))) {
        console.warn(
          `Can save best model only with ${this.monitor} available, skipping. (The logs have ${Object.keys(logs).join(", ") || "nothing"}; pass validationData to fit for val_ metrics, or set monitor.)`,
        );
        return;
      }
      const improved = this.mode === "max" ? current > this.best : current < this.best;
      if (!improved) {
        if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${pythonFormat("{best:.5f}", { best: this.best })}`);
        return;
      }
      if (this.verbose > 0)
        console.log(
          `\nEpoch ${epoch + 1}: ${this.monitor} improved from ${pythonFormat("{best:.5f}", { best: this.best })} to ${pythonFormat("{current:.5f}", { current })}, saving model to ${path}`,
        );
      this.best = current;
    } else if (this.verbose > 0) {
      console.log(`\nEpoch ${epoch + 1}: saving model to ${path}`);
    }
    await this.write(path);
  }

  private async write(path: string): Promise<void> {
    const model = this.model as tfl.LayersModel & { saveWeights?: (path: string) => Promise<void>; save?: (path: string) => Promise<unknown> };
    if (this.saveWeightsOnly) {
      // A model class may override saveWeights (subclassed models); plain tfjs models use the same writer.
      if (typeof model.saveWeights === "function") await model.saveWeights(path);
      else await saveModelWeights(model, path);
      return;
    }
    // tfjs's own LayersModel.save takes URLs such as "file://…", not Keras paths: only a Keras save will do.
    if (typeof model.save !== "function" || model.save === tfl.LayersModel.prototype.save) {
      throw new Error(
        `ModelCheckpoint cannot save the whole model to ${path}: this model has no Keras model.save(path). Pass saveWeightsOnly: true to save TensorFlow checkpoints of the weights (reload them with model.loadWeights(path)).`,
      );
    }
    await model.save(path);
  }
}
