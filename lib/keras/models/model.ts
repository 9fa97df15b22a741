import { kerasModelConfig, modelFromConfigArguments, type FromConfigOptions } from "../saving/serialization.js";
import { markLibraryClass } from "../library-classes.js";
import { registerKerasClasses } from "../saving/keras-json/keras-classes.js";
import type { JsonObject } from "../../formats/keras-json/schema.js";
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { snakeCase, uniqueName } from "../../util/naming.js";
import { makeWeight, type AddWeightOptions } from "../layers/layer.js";
import { layerRepr, submodulesOf } from "../layers/submodules.js";
import { withNameScope, type Variable } from "../../tf/variable.js";
import type { Initializer } from "@tensorflow/tfjs-layers/dist/initializers.js";
import { buildSubclassed, initSubclassed, isSubclassed, subclassedNonTrainableWeights, subclassedTrainableWeights, subclassState } from "./subclassed.js";
import { withKerasModelApi } from "./keras-model-api.js";
import type { KerasVariable } from "../weight-variables.js";

type Tensors = tfl.SymbolicTensor | tfl.SymbolicTensor[];
type Kwargs = Parameters<tfl.layers.Layer["apply"]>[1];

export interface ModelOptions {
  /** Defaults to Keras's `model`, `model_1`, ... */
  name?: string;
}

export interface FunctionalModelArgs<Outputs extends Tensors = Tensors> extends ModelOptions {
  inputs: Tensors;
  outputs: Outputs;
}

/** What `predict` returns for a model with these symbolic outputs: one tensor, or a list. */
export type Prediction<Outputs extends Tensors> = Outputs extends tfl.SymbolicTensor[] ? tfc.Tensor[] : tfc.Tensor;

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
export class Model<Outputs extends Tensors = tfl.SymbolicTensor> extends withKerasModelApi(tfl.LayersModel) {
  constructor(inputs: Tensors, outputs: Outputs, options?: ModelOptions);
  constructor(args: FunctionalModelArgs<Outputs>);
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
      throw new Error(
        "keras.Model needs both inputs and outputs: new keras.Model(inputs, outputs) or new keras.Model({ inputs, outputs }); for a subclassed model call super() without them.",
      );
    }
    super({ inputs: args.inputs, outputs: args.outputs, name: args.name ?? uniqueName("model") });
  }

  /** Python `model.get_config()`: a plain object in Keras spelling (snake_case). */
  override getConfig(): JsonObject {
    // Like Keras's Layer.get_config: a subclass that writes its own getConfig gets the base keys from super.getConfig().
    if (isSubclassed(this) && this.getConfig !== Model.prototype.getConfig) return { name: this.name, trainable: this.trainable, dtype: "float32" };
    if (isSubclassed(this))
      throw new Error(
        `${this.constructor.name} is a subclassed model: its configuration is its constructor's arguments, which only it knows. Override getConfig() to return them (and fromConfig if the constructor takes positional arguments), as in Keras.`,
      );
    return kerasModelConfig(this, super.getConfig());
  }
  /** Python `Model.from_config(config)` (also tfjs's `fromConfig(cls, config)`). */
  static override fromConfig<M extends Model>(this: new (...args: never[]) => M, config: object, options?: FromConfigOptions): M;
  // The Keras form comes first so `X.fromConfig(config)` is typed; the tfjs form takes `any` so a subclass may
  // declare Keras's `static fromConfig(config: MyConfig): MyClass` without a type error.
  static override fromConfig(clsOrConfig: any, ...rest: any[]): any;
  static override fromConfig(...args: unknown[]): unknown {
    return modelFromConfigArguments(this, Model, "Functional", args, super.fromConfig.bind(this) as never);
  }

  /**
   * Python `model.predict(x)`: a tensor for a model with one output, a list for several (known from the
   * `outputs` given to the constructor; a loaded or subclassed model is typed single-output, see README).
   */
  override predict(x: tfc.Tensor | tfc.Tensor[], args?: Parameters<tfl.LayersModel["predict"]>[1]): Prediction<Outputs> {
    return super.predict(x, args) as Prediction<Outputs>;
  }

  /** Subclassed models define `call(inputs, kwargs)`; functional models run their graph. */
  override call(inputs: tfc.Tensor | tfc.Tensor[], kwargs: NonNullable<Kwargs>): tfc.Tensor | tfc.Tensor[] {
    if (isSubclassed(this))
      throw new Error(`${this.constructor.name} extends keras.Model without inputs/outputs, so it must define call(inputs) { ... } returning its output.`);
    return super.call(inputs, kwargs);
  }

  /** A subclassed model builds on its first call: weights come from running `call` once. */
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    if (!isSubclassed(this)) {
      super.build(inputShape);
      return;
    }
    if (Array.isArray(inputShape[0])) throw new Error("Subclassed models with several inputs are not supported yet; pass one tensor to call().");
    buildSubclassed(this, inputShape as tfl.Shape);
  }

  /** `model.apply(tensor)` is Python's `model(tensor)`. */
  override apply(inputs: tfl.SymbolicTensor, kwargs?: Kwargs): tfl.SymbolicTensor;
  override apply(inputs: tfl.SymbolicTensor[], kwargs?: Kwargs): tfl.SymbolicTensor | tfl.SymbolicTensor[];
  override apply(inputs: tfc.Tensor, kwargs?: Kwargs): tfc.Tensor;
  override apply(
    inputs: tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[],
    kwargs?: Kwargs,
  ): tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[];
  override apply(
    inputs: tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[],
    kwargs?: Kwargs,
  ): tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[] {
    // tf.Variables made while a subclassed model builds are named under its scope (`my_model/dense/w:0`).
    return isSubclassed(this) ? withNameScope(this.name, () => super.apply(inputs, kwargs)) : super.apply(inputs, kwargs);
  }

  /** Python `model.submodules`: every layer inside the model, recursively. */
  get submodules(): tfl.layers.Layer[] {
    return submodulesOf(this);
  }

  /** Keras's repr, `<MyModel name=my_model, built=True>`, instead of tfjs's internals. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return layerRepr(this);
  }

  override get trainableWeights(): KerasVariable[] {
    return (isSubclassed(this) ? subclassedTrainableWeights(this) : super.trainableWeights) as KerasVariable[];
  }
  override get nonTrainableWeights(): KerasVariable[] {
    return (isSubclassed(this) ? subclassedNonTrainableWeights(this) : super.nonTrainableWeights) as KerasVariable[];
  }
  override get trainable(): boolean {
    return super.trainable;
  }
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
  override addWeight(
    name: string,
    shape: tfl.Shape,
    dtype?: tfc.DataType,
    initializer?: Initializer,
    regularizer?: unknown,
    trainable?: boolean,
    constraint?: unknown,
    getInitializerFunction?: Function,
  ): tfl.LayerVariable;
  override addWeight(name: string | undefined, options: AddWeightOptions): Variable;
  override addWeight(options: AddWeightOptions): Variable;
  override addWeight(
    first?: string | AddWeightOptions,
    second?: tfl.Shape | AddWeightOptions,
    dtype?: tfc.DataType,
    initializer?: Initializer,
    _regularizer?: unknown,
    trainable?: boolean,
  ): Variable | tfl.LayerVariable {
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
