import { kerasModelConfig, sequentialConfigWithInputLayer, modelFromConfigArguments, modelToJSON, type FromConfigOptions } from "../saving/serialization.js";
import { markLibraryClass } from "../library-classes.js";
import { registerKerasClasses } from "../saving/keras-json/keras-classes.js";
import type { JsonObject } from "../../formats/keras-json/schema.js";
import * as tfl from "@tensorflow/tfjs-layers";
import { renderModelSummary, type ModelSummaryData } from "../../display/renderers/model-summary.js";
import type { MimeBundle } from "../../display/sink.js";
import { uniqueName } from "../../util/naming.js";
import { summarizeModel } from "./summary.js";
import { loadModelWeights, saveModelWeights, type LoadWeightsOptions, type SaveWeightsOptions } from "./weights-io.js";
import type { CheckpointLoadStatus } from "../../tf/tracking/checkpoint.js";
import * as tfc from "@tensorflow/tfjs-core";
import { allowSparseTargets, evaluateModel, fitModel, toTfjsCompileArgs, type CompileOptions, type EvaluateOptions, type EvaluateResult, type FitOptions, type KerasHistory } from "../training/train.js";
import { saveModelOrDelegate, type SaveModelOptions } from "../saving/save-model.js";

export interface SequentialOptions {
  /** Defaults to Keras's `sequential`, `sequential_1`, ... */
  name?: string;
}

/** What Keras 2 accepts as a Sequential item: a layer, or a `keras.Input(...)` tensor (or an InputLayer) fixing the input shape. */
export type SequentialItem = tfl.layers.Layer | tfl.SymbolicTensor;

function isInputLayer(item: tfl.layers.Layer): boolean {
  return item.getClassName() === "InputLayer" && item.inboundNodes.length === 1;
}

/**
 * A linear stack of layers (Python `keras.Sequential`).
 *
 * @example
 * const model = new keras.Sequential([
 *   new keras.layers.Dense(512, { activation: "relu", inputShape: [784] }),
 *   new keras.layers.Dropout(0.2),
 *   new keras.layers.Dense(10),
 * ]);
 * model.summary();
 */
export class Sequential extends tfl.Sequential {
  constructor(layers: SequentialItem[] = [], options: SequentialOptions = {}) {
    super({ name: options.name ?? uniqueName("sequential") });
    for (const item of layers) this.addItem(item);
  }

  /** A `keras.Input` given first, waiting for the first layer to be connected to it. */
  private pendingInput: tfl.SymbolicTensor | undefined;

  private addItem(item: SequentialItem): void {
    if (item instanceof tfl.SymbolicTensor || isInputLayer(item)) {
      // Keras 2 allows `Sequential([keras.Input(shape), ...])` and `Sequential(functional.layers)`, whose first
      // item is an InputLayer; like Keras, the InputLayer is not listed in `layers` (nor in the summary).
      if (this.layers.length > 0 || this.pendingInput) throw new Error("keras.Input(...) or an InputLayer can only be the first item of a Sequential model; move it to the front of the list.");
      this.pendingInput = item instanceof tfl.SymbolicTensor ? item : item.inboundNodes[0]!.outputTensors[0]!;
      return;
    }
    if (this.pendingInput) {
      // Connect the layer to the input, so tfjs takes the model's input from it; a layer taken from a
      // functional model may already be connected to exactly that input.
      const connected = item.inboundNodes.length === 1 && item.inboundNodes[0]!.inputTensors[0] === this.pendingInput;
      if (!connected) item.apply(this.pendingInput);
      this.pendingInput = undefined;
    }
    this.add(item);
  }

  /** Python `model.save_weights(path)`: a TensorFlow checkpoint with tf.keras's names (see weights-io). */
  async saveWeights(path: string, options: SaveWeightsOptions = {}): Promise<void> {
    await saveModelWeights(this, path, options);
  }

  /**
   * Python `model.load_weights(path)` (a checkpoint prefix, .h5 or .keras); given a tensor map it is
   * TensorFlow.js's own loadWeights.
   */
  override loadWeights(pathOrWeights: string | tfc.NamedTensorMap, options: boolean | LoadWeightsOptions = {}): Promise<CheckpointLoadStatus | undefined> {
    if (typeof pathOrWeights !== "string") {
      super.loadWeights(pathOrWeights, typeof options === "boolean" ? options : true);
      return Promise.resolve(undefined);
    }
    return loadModelWeights(this, pathOrWeights, typeof options === "boolean" ? {} : options);
  }

  /** Python `model.compile(optimizer=..., loss=..., metrics=[...])` with Keras names. */
  override compile(options: CompileOptions | tfl.ModelCompileArgs): void {
    super.compile(toTfjsCompileArgs(options));
    allowSparseTargets(this);
  }

  /** Python `model.fit(x, y, epochs=..., batch_size=...)`: prints Keras progress lines, returns a History of numbers. */
  override async fit(x: tfc.Tensor | tfc.Tensor[], y: tfc.Tensor | tfc.Tensor[], options: FitOptions | tfl.ModelFitArgs = {}): Promise<KerasHistory> {
    return fitModel(this, super.fit.bind(this), x, y, options as FitOptions);
  }

  /** `const [loss, accuracy] = await model.evaluate(x, y)`: numbers, like Python. */
  override evaluate(x: tfc.Tensor | tfc.Tensor[], y: tfc.Tensor | tfc.Tensor[], options: EvaluateOptions = {}): EvaluateResult {
    return evaluateModel(this, super.evaluate, x, y, options);
  }

  /** Keras's text summary, printed (so it shows in a cell); returns nothing like Python. */
  override summary(): void {
    console.log(this.summaryData().text);
  }

  /** The summary as data (rows, totals and Keras's text) for rich display. */
  summaryData(): ModelSummaryData {
    return summarizeModel(this);
  }

  /** Notebooks render a model as its summary. */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return renderModelSummary(this.summaryData());
  }

  /** Python `model.save(path)`: `.keras` (Keras 3 archive) or `.h5` (Keras 2 HDF5); tfjs URLs/IOHandlers go to tfjs. */
  override save(path: string | tfc.io.IOHandler, options?: SaveModelOptions | tfc.io.SaveConfig): Promise<tfc.io.SaveResult> { return saveModelOrDelegate(this, super.save.bind(this), path, options); }
  /** Python `model.get_config()`: a plain object in Keras spelling (snake_case). */
  override getConfig(): JsonObject { return sequentialConfigWithInputLayer(this, kerasModelConfig(this, super.getConfig())); }
  /**
   * Python `model.to_json()`. tfjs's own `toJSON(null, false)` (used when saving model.json) gets the
   * same Keras JSON as an object: tfjs would otherwise respell the already-Keras config a second time.
   */
  override toJSON(_unused?: unknown, returnString = true): string {
    const json = modelToJSON(this, this.getConfig());
    return (returnString ? json : JSON.parse(json)) as string;
  }
  /** Python `Sequential.from_config(config)` (also tfjs's `fromConfig(cls, config)`). */
  static override fromConfig<M extends Sequential>(this: new (...args: never[]) => M, config: object, options?: FromConfigOptions): M;
  // The Keras form comes first so `X.fromConfig(config)` is typed; the tfjs form takes `any` so a subclass may
  // declare Keras's `static fromConfig(config: MyConfig): MyClass` without a type error.
  static override fromConfig(clsOrConfig: any, ...rest: any[]): any;
  static override fromConfig(...args: unknown[]): unknown { return modelFromConfigArguments(this, Sequential, "Sequential", args, super.fromConfig.bind(this) as never); }
}

// Users subclass it; it is not itself a user class (see library-classes.ts).
markLibraryClass(Sequential);
registerKerasClasses({ Sequential });
