import { kerasModelConfig, modelFromConfigArguments, modelToJSON, type FromConfigOptions } from "../saving/serialization.js";
import { markLibraryClass } from "../library-classes.js";
import { registerKerasClasses } from "../saving/keras-json/keras-classes.js";
import type { JsonObject } from "../../formats/keras-json/schema.js";
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { renderModelSummary, type ModelSummaryData } from "../../display/renderers/model-summary.js";
import type { MimeBundle } from "../../display/sink.js";
import { snakeCase, uniqueName } from "../../util/naming.js";
import { makeWeight, type AddWeightOptions } from "../layers/layer.js";
import { layerRepr, submodulesOf } from "../layers/submodules.js";
import { withNameScope, type Variable } from "../../tf/variable.js";
import type { Initializer } from "@tensorflow/tfjs-layers/dist/initializers.js";
import { buildSubclassed, ensureSubclassedBuilt, initSubclassed, isSubclassed, subclassedNonTrainableWeights, subclassedTrainableWeights, subclassState } from "./subclassed.js";
import { allowSparseTargets, evaluateModel, fitModel, toTfjsCompileArgs, type CompileOptions, type EvaluateOptions, type EvaluateResult, type FitOptions, type KerasHistory } from "../training/train.js";
import { summarizeModel } from "./summary.js";
import { loadModelWeights, saveModelWeights, type LoadWeightsOptions, type SaveWeightsOptions } from "./weights-io.js";
import type { CheckpointLoadStatus } from "../../tf/tracking/checkpoint.js";
import { saveModelOrDelegate, type SaveModelOptions } from "../saving/save-model.js";

type Tensors = tfl.SymbolicTensor | tfl.SymbolicTensor[];
type Kwargs = Parameters<tfl.layers.Layer["apply"]>[1];

export interface ModelOptions {
  /** Defaults to Keras's `model`, `model_1`, ... */
  name?: string;
}

export interface FunctionalModelArgs extends ModelOptions {
  inputs: Tensors;
  outputs: Tensors;
}

/**
 * A functional model from symbolic inputs to outputs (Python `keras.Model(inputs, outputs, name=...)`),
 * or the base of a subclassed model (`class MyModel extends keras.Model { call(x) {...} }`, see
 * subclassed.ts): layers and variables assigned to its properties are tracked, it is built on its
 * first call (`model.apply(x)`) or by fit/evaluate/predict, and `call` runs eagerly.
 *
 * @example
 * const inputs = keras.Input({ shape: [32] });
 * const outputs = new keras.layers.Dense(1).apply(inputs);
 * const model = new keras.Model(inputs, outputs, { name: "regressor" });
 * // or: new keras.Model({ inputs, outputs, name: "regressor" })
 */
export class Model extends tfl.LayersModel {
  constructor(inputs: Tensors, outputs: Tensors, options?: ModelOptions);
  constructor(args: FunctionalModelArgs);
  /** A subclassed model: `super()` or `super({ name })` in the subclass's constructor. */
  constructor(options?: ModelOptions);
  constructor(first: Tensors | FunctionalModelArgs | ModelOptions = {}, outputs?: Tensors, options: ModelOptions = {}) {
    const args: Partial<FunctionalModelArgs> = first instanceof tfl.SymbolicTensor || Array.isArray(first) ? { inputs: first, outputs, ...options } : first;
    if (args.inputs === undefined && args.outputs === undefined) {
      // Subclassed: no graph yet; it is made on the first call (see subclassed.ts).
      super({ inputs: [], outputs: [], name: args.name ?? uniqueName(snakeCase(new.target.name)) });
      initSubclassed(this);
      return;
    }
    if (args.outputs === undefined || args.inputs === undefined) {
      throw new Error("keras.Model needs both inputs and outputs: new keras.Model(inputs, outputs) or new keras.Model({ inputs, outputs }); for a subclassed model call super() without them.");
    }
    super({ inputs: args.inputs, outputs: args.outputs, name: args.name ?? uniqueName("model") });
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
    // A subclassed model has no outputs before its first call: compile then.
    if (isSubclassed(this) && !this.built) {
      subclassState(this).pendingCompile = options;
      return;
    }
    super.compile(toTfjsCompileArgs(options));
    allowSparseTargets(this);
  }

  /** Python `model.fit(x, y, epochs=..., batch_size=...)`: prints Keras progress lines, returns a History of numbers. */
  override async fit(x: tfc.Tensor | tfc.Tensor[], y: tfc.Tensor | tfc.Tensor[], options: FitOptions | tfl.ModelFitArgs = {}): Promise<KerasHistory> {
    ensureSubclassedBuilt(this, x, (pending) => this.compile(pending));
    return fitModel(this, super.fit.bind(this), x, y, options as FitOptions);
  }

  /** `const [loss, accuracy] = await model.evaluate(x, y)`: numbers, like Python. */
  override evaluate(x: tfc.Tensor | tfc.Tensor[], y: tfc.Tensor | tfc.Tensor[], options: EvaluateOptions = {}): EvaluateResult {
    ensureSubclassedBuilt(this, x, (pending) => this.compile(pending));
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
  override getConfig(): JsonObject {
    // Like Keras's Layer.get_config: a subclass that writes its own getConfig gets the base keys from super.getConfig().
    if (isSubclassed(this) && this.getConfig !== Model.prototype.getConfig) return { name: this.name, trainable: this.trainable, dtype: "float32" };
    if (isSubclassed(this)) throw new Error(`${this.constructor.name} is a subclassed model: its configuration is its constructor's arguments, which only it knows. Override getConfig() to return them (and fromConfig if the constructor takes positional arguments), as in Keras.`);
    return kerasModelConfig(this, super.getConfig());
  }
  /**
   * Python `model.to_json()`. tfjs's own `toJSON(null, false)` (used when saving model.json) gets the
   * same Keras JSON as an object: tfjs would otherwise respell the already-Keras config a second time.
   */
  override toJSON(_unused?: unknown, returnString = true): string {
    const json = modelToJSON(this, this.getConfig());
    return (returnString ? json : JSON.parse(json)) as string;
  }
  /** Python `Model.from_config(config)` (also tfjs's `fromConfig(cls, config)`). */
  static override fromConfig<M extends Model>(this: new (...args: never[]) => M, config: object, options?: FromConfigOptions): M;
  // The Keras form comes first so `X.fromConfig(config)` is typed; the tfjs form takes `any` so a subclass may
  // declare Keras's `static fromConfig(config: MyConfig): MyClass` without a type error.
  static override fromConfig(clsOrConfig: any, ...rest: any[]): any;
  static override fromConfig(...args: unknown[]): unknown { return modelFromConfigArguments(this, Model, "Functional", args, super.fromConfig.bind(this) as never); }

  /** Python `model.predict(x)`; a subclassed model is built from `x` first. */
  override predict(x: tfc.Tensor | tfc.Tensor[], args?: Parameters<tfl.LayersModel["predict"]>[1]): tfc.Tensor | tfc.Tensor[] {
    ensureSubclassedBuilt(this, x, (pending) => this.compile(pending));
    return super.predict(x, args);
  }

  /** Subclassed models define `call(inputs, kwargs)`; functional models run their graph. */
  override call(inputs: tfc.Tensor | tfc.Tensor[], kwargs: NonNullable<Kwargs>): tfc.Tensor | tfc.Tensor[] {
    if (isSubclassed(this)) throw new Error(`${this.constructor.name} extends keras.Model without inputs/outputs, so it must define call(inputs) { ... } returning its output.`);
    return super.call(inputs, kwargs);
  }

  /** A subclassed model builds on its first call: weights come from running `call` once. */
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    if (!isSubclassed(this)) return super.build(inputShape);
    if (Array.isArray(inputShape[0])) throw new Error("Subclassed models with several inputs are not supported yet; pass one tensor to call().");
    buildSubclassed(this, inputShape as tfl.Shape);
  }

  /** `model.apply(tensor)` is Python's `model(tensor)`. */
  override apply(inputs: tfl.SymbolicTensor, kwargs?: Kwargs): tfl.SymbolicTensor;
  override apply(inputs: tfl.SymbolicTensor[], kwargs?: Kwargs): tfl.SymbolicTensor | tfl.SymbolicTensor[];
  override apply(inputs: tfc.Tensor, kwargs?: Kwargs): tfc.Tensor;
  override apply(inputs: tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[], kwargs?: Kwargs): tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[];
  override apply(inputs: tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[], kwargs?: Kwargs): tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[] {
    // tf.Variables made while a subclassed model builds are named under its scope (`my_model/dense/w:0`).
    return isSubclassed(this) ? withNameScope(this.name, () => super.apply(inputs, kwargs)) : super.apply(inputs, kwargs);
  }

  /** Python `model.variables`: same as `weights`. */
  get variables(): tfl.LayerVariable[] {
    return this.weights;
  }

  /** Python `model.submodules`: every layer inside the model, recursively. */
  get submodules(): tfl.layers.Layer[] {
    return submodulesOf(this);
  }

  /** Keras's repr, `<MyModel name=my_model, built=True>`, instead of tfjs's internals. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return layerRepr(this);
  }

  override get trainableWeights(): tfl.LayerVariable[] {
    return isSubclassed(this) ? subclassedTrainableWeights(this) : super.trainableWeights;
  }
  override get nonTrainableWeights(): tfl.LayerVariable[] {
    return isSubclassed(this) ? subclassedNonTrainableWeights(this) : super.nonTrainableWeights;
  }
  override get trainable(): boolean { return super.trainable; }
  /** Like Keras: on a subclassed model the flag goes to every tracked layer too. */
  override set trainable(value: boolean) {
    if (!isSubclassed(this)) {
      super.trainable = value;
      return;
    }
    (this as unknown as { trainable_: boolean }).trainable_ = value;
    for (const layer of this.layers) layer.trainable = value;
  }

  /** Python `model.add_weight(...)` on a subclassed model (the docs' ContrivedModel); returns a tf.Variable. */
  override addWeight(name: string, shape: tfl.Shape, dtype?: tfc.DataType, initializer?: Initializer, regularizer?: unknown, trainable?: boolean, constraint?: unknown, getInitializerFunction?: Function): tfl.LayerVariable;
  override addWeight(name: string | undefined, options: AddWeightOptions): Variable;
  override addWeight(options: AddWeightOptions): Variable;
  override addWeight(first?: string | AddWeightOptions, second?: tfl.Shape | AddWeightOptions, dtype?: tfc.DataType, initializer?: Initializer, _regularizer?: unknown, trainable?: boolean): Variable | tfl.LayerVariable {
    if (!isSubclassed(this)) throw new Error("addWeight is for subclassed models; a functional model's weights belong to its layers.");
    const variable = makeWeight("float32", first, second, dtype, initializer, trainable);
    subclassState(this).ownWeights.push(variable as unknown as tfl.LayerVariable);
    return variable;
  }

  /** Python's older name `add_variable(name, shape)`. */
  addVariable(name: string, shape: number[], options: Omit<AddWeightOptions, "name" | "shape"> = {}): Variable {
    return this.addWeight(name, { ...options, shape });
  }
}

// Users subclass it; it is not itself a user class (see library-classes.ts).
markLibraryClass(Model);
registerKerasClasses({ Functional: Model, Model });
