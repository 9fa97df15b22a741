import "../../backend/gradients.js";
import "./call-site-arguments.js";
import { constructFromConfig } from "../construct-from-config.js";
import * as tfc from "@tensorflow/tfjs-core";
import { markLibraryClass, userClassChain } from "../library-classes.js";
import * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type { Initializer } from "@tensorflow/tfjs-layers/dist/initializers.js";
import { Variable, withNameScope } from "../../tf/variable.js";
import { snakeCase, uniqueName } from "../../util/naming.js";
import { layerRepr, submodulesOf } from "./submodules.js";
import { attributeEntries, markInfrastructure, trackedChildren, trackedLayers, trackedVariables } from "../../tf/tracking/attribute-tracking.js";
import type { JsonObject } from "../../formats/keras-json/schema.js";

type Kwargs = Parameters<tfl.layers.Layer["apply"]>[1];
type AnyInputs = tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[];
type Shape = Array<number | null>;

/** Python `add_weight(...)` keyword arguments. */
export interface AddWeightOptions {
  name?: string;
  shape?: number[];
  dtype?: tfc.DataType;
  /** A Keras name (`"random_normal"`, `"zeros"`, `"glorot_uniform"`, camelCase works too) or a tfjs initializer. */
  initializer?: string | Initializer;
  /** Default true. */
  trainable?: boolean;
}

/** Fields every Keras layer config has (Python `Layer.get_config()`). */
export type BaseLayerConfig = { name: string; trainable: boolean; dtype: string; [key: string]: tfc.serialization.ConfigDictValue };

/** `"random_normal"` → tfjs's `"randomNormal"`; tfjs's own spellings pass through. */
function initializerFor(initializer: string | Initializer | undefined, fallback: string): Initializer {
  if (initializer !== undefined && typeof initializer !== "string") return initializer;
  const name = (initializer ?? fallback).replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  const factory = (tfl.initializers as unknown as Record<string, ((config: object) => Initializer) | undefined>)[name];
  if (typeof factory === "function") return factory({});
  throw new Error(
    `Unknown initializer "${initializer}". Use a Keras name such as "zeros", "ones", "random_normal", "random_uniform", "glorot_uniform", "he_normal", or pass an initializer object (tf.initializers.*).`,
  );
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** Python `add_weight` for any owner (layers, subclassed models): both call forms, a tf.Variable out. */
export function makeWeight(
  ownerDtype: tfc.DataType,
  first?: string | AddWeightOptions,
  second?: tfl.Shape | AddWeightOptions,
  dtype?: tfc.DataType,
  initializer?: Initializer,
  trainable?: boolean,
): Variable {
  const options: AddWeightOptions =
    typeof first === "object"
      ? first
      : Array.isArray(second)
        ? { name: first, shape: second as number[], dtype, initializer, trainable }
        : { ...(second ?? {}), name: first ?? (second as AddWeightOptions | undefined)?.name };
  const shape = options.shape ?? [];
  if (shape.some((size) => typeof size !== "number" || size < 0)) {
    throw new Error(`addWeight needs a fully known shape, got [${shape.join(", ")}]. Create weights in build(inputShape), where the input's sizes are known.`);
  }
  const variableDtype = options.dtype ?? ownerDtype;
  const fallback = variableDtype.startsWith("float") ? "glorot_uniform" : "zeros";
  const value = initializerFor(options.initializer, fallback).apply(shape, variableDtype);
  const variable = new Variable(value, { name: options.name ?? "Variable", trainable: options.trainable ?? true, dtype: variableDtype });
  value.dispose();
  return variable;
}

export function asLayerVariables(variables: unknown[]): tfl.LayerVariable[] {
  return variables as tfl.LayerVariable[];
}

/**
 * Base class for custom layers (Python `keras.layers.Layer`), on top of tfjs-layers' Layer so it
 * works in Sequential and functional models and with tfjs. As in Keras:
 * - `build(inputShape)` runs once before the first `call`; `call(inputs, kwargs)` computes the output;
 * - `addWeight(name?, { shape, initializer, trainable })` returns a `tf.Variable` usable in ops;
 * - layers and variables assigned to properties (also in arrays and plain objects) are tracked:
 *   their weights are this layer's weights (own first, then nested layers', trainable before
 *   non-trainable), so `trainable` flips on nested layers reorder `weights` as Keras does;
 * - `getConfig()` returns `{ name, trainable, dtype }` to extend; `static fromConfig(config)` calls
 *   `new this(config)` (Python's `cls(**config)`): override it if the constructor takes positional arguments;
 * - in a functional model, the output shape is found by running `call` once on zeros unless
 *   `computeOutputShape` is overridden.
 *
 * @example
 * class Linear extends keras.layers.Layer {
 *   w!: tf.Variable; b!: tf.Variable;
 *   constructor(readonly units = 32) { super(); }
 *   override build(inputShape: number[]) {
 *     this.w = this.addWeight({ shape: [inputShape.at(-1)!, this.units], initializer: "random_normal" });
 *     this.b = this.addWeight({ shape: [this.units], initializer: "zeros" });
 *   }
 *   override call(inputs: tf.Tensor) { return tf.add(tf.matMul(inputs, this.w), this.b); }
 * }
 */
export class Layer extends tfl.layers.Layer {
  constructor(args: LayerArgs = {}) {
    super({ ...args, name: args.name ?? uniqueName(snakeCase(new.target.name)) });
    // tfjs hands `call` a one-item array where Keras hands the tensor itself; the subclass's call sees Keras's form.
    const defined = this.call;
    Object.defineProperty(this, "call", {
      value: (inputs: tfc.Tensor | tfc.Tensor[], kwargs?: Kwargs) =>
        defined.call(this, Array.isArray(inputs) && inputs.length === 1 ? inputs[0]! : inputs, kwargs ?? {}),
      writable: true,
      configurable: true,
      enumerable: false,
    });
    // Everything tfjs set up so far is machinery; what the subclass assigns next is tracked.
    markInfrastructure(this);
  }

  override getClassName(): string {
    const cls = this.constructor as unknown as { className?: string; name: string };
    return Object.hasOwn(cls, "className") && cls.className ? cls.className : cls.name;
  }

  /**
   * Python `add_weight(name=None, shape=..., initializer=..., trainable=...)`: a `tf.Variable`
   * registered as this layer's weight. The tfjs positional form (`addWeight(name, shape, dtype,
   * initializer, regularizer, trainable)`) also works.
   */
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
    const variable = makeWeight((this.dtype as tfc.DataType | undefined) ?? "float32", first, second, dtype, initializer, trainable);
    (variable.trainable ? this.ownTrainable : this.ownNonTrainable).push(variable as unknown as tfl.LayerVariable);
    return variable;
  }

  private get ownTrainable(): tfl.LayerVariable[] {
    return (this as unknown as { _trainableWeights: tfl.LayerVariable[] })._trainableWeights;
  }

  private get ownNonTrainable(): tfl.LayerVariable[] {
    return (this as unknown as { _nonTrainableWeights: tfl.LayerVariable[] })._nonTrainableWeights;
  }

  /** This layer's own variables: from addWeight, then those assigned to properties. */
  protected ownWeights(): tfl.LayerVariable[] {
    return unique([...this.ownTrainable, ...this.ownNonTrainable, ...asLayerVariables(trackedVariables(this))]);
  }

  /** Layers assigned to this layer's properties (Python `layer._flatten_layers()`, one level). */
  get trackedLayers(): tfl.layers.Layer[] {
    return trackedLayers(this);
  }

  override get trainable(): boolean {
    return (this as unknown as { trainable_: boolean }).trainable_;
  }

  /** Like Keras: sets the flag on this layer and every nested layer; the variables' own flags stay. */
  override set trainable(value: boolean) {
    (this as unknown as { trainable_: boolean }).trainable_ = value;
    for (const layer of this.trackedLayers) layer.trainable = value;
  }

  override get trainableWeights(): tfl.LayerVariable[] {
    if (!this.trainable) return [];
    const own = this.ownWeights().filter((weight) => weight.trainable);
    return unique([...own, ...this.trackedLayers.flatMap((layer) => layer.trainableWeights)]);
  }

  override set trainableWeights(weights: tfl.LayerVariable[]) {
    (this as unknown as { _trainableWeights: tfl.LayerVariable[] })._trainableWeights = weights;
  }

  override get nonTrainableWeights(): tfl.LayerVariable[] {
    if (!this.trainable) return unique([...this.ownWeights(), ...this.trackedLayers.flatMap((layer) => layer.weights)]);
    const own = this.ownWeights().filter((weight) => !weight.trainable);
    return unique([...own, ...this.trackedLayers.flatMap((layer) => layer.nonTrainableWeights)]);
  }

  override set nonTrainableWeights(weights: tfl.LayerVariable[]) {
    (this as unknown as { _nonTrainableWeights: tfl.LayerVariable[] })._nonTrainableWeights = weights;
  }

  /** Python `layer.variables`: same as `weights`. */
  get variables(): tfl.LayerVariable[] {
    return this.weights;
  }

  /** Python `layer.submodules`: the layers inside this one, recursively. */
  get submodules(): tfl.layers.Layer[] {
    return submodulesOf(this);
  }

  /** Keras's repr, `<MyLayer name=my_layer, built=True>`, instead of tfjs's internals. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return layerRepr(this);
  }

  /** The checkpoint children, by attribute name (Keras's object tracking); addWeight names fill gaps. */
  [trackedChildren](): Array<[string, unknown]> {
    const own = new Set<unknown>([...this.ownTrainable, ...this.ownNonTrainable]);
    const weightName = (weight: { originalName: string }) => weight.originalName.split("/").pop()!.replace(/:\d+$/, "");
    // Keras's own classes keep a weight on the Python attribute of its name (`self.recurrent_kernel`),
    // so checkpoints name it so; a user's class keeps its property names.
    const library = userClassChain(this).length === 0;
    const entries = attributeEntries(this).map(([key, value]): [string, unknown] =>
      library && own.has(value) ? [weightName(value as { originalName: string }), value] : [key, value],
    );
    const named = new Set(entries.map(([, value]) => value));
    for (const weight of [...this.ownTrainable, ...this.ownNonTrainable]) {
      if (!named.has(weight)) entries.push([weightName(weight), weight]);
    }
    return entries;
  }

  /**
   * `apply` typed by what it is given, as in Keras: symbolic in → symbolic out, tensor (or plain
   * nested numbers, like Python's `layer([[2.0, 2.0]])`) in → tensor out.
   */
  override apply(inputs: tfl.SymbolicTensor, kwargs?: Kwargs): tfl.SymbolicTensor;
  override apply(inputs: tfl.SymbolicTensor[], kwargs?: Kwargs): tfl.SymbolicTensor | tfl.SymbolicTensor[];
  override apply(inputs: tfc.Tensor, kwargs?: Kwargs): tfc.Tensor;
  override apply(inputs: tfc.Tensor[], kwargs?: Kwargs): tfc.Tensor | tfc.Tensor[];
  override apply(inputs: number[] | number[][] | number[][][], kwargs?: Kwargs): tfc.Tensor;
  override apply(inputs: AnyInputs, kwargs?: Kwargs): tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[];
  override apply(
    inputs: AnyInputs | number[] | number[][] | number[][][],
    kwargs?: Kwargs,
  ): tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[] {
    const given =
      Array.isArray(inputs) && inputs.length > 0 && !(inputs[0] instanceof tfc.Tensor) && !(inputs[0] instanceof tfl.SymbolicTensor)
        ? tfc.tensor(inputs as number[][])
        : inputs;
    return withNameScope(this.name, () => super.apply(given as AnyInputs, kwargs));
  }

  /** Found by running `call` once on zeros (batch size 1), keeping the input's batch size. */
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    const multiple = Array.isArray(inputShape[0]) || (inputShape.length === 0 ? false : inputShape[0] === undefined);
    const shapes = (multiple ? inputShape : [inputShape]) as Shape[];
    const batch = shapes[0]?.[0] ?? null;
    let result: Shape[] = [];
    let single = true;
    tfc.tidy(() => {
      const samples = shapes.map((shape) => tfc.zeros(shape.map((size) => size ?? 1)));
      const output = this.call(multiple ? samples : samples[0]!, {});
      single = !Array.isArray(output);
      result = (Array.isArray(output) ? output : [output]).map((tensor) => [batch, ...tensor.shape.slice(1)] as Shape);
    });
    return (single ? result[0]! : result) as tfl.Shape | tfl.Shape[];
  }

  /** Python `Layer.get_config()`: `{ name, trainable, dtype }`; extend it with the constructor's arguments. */
  override getConfig(): tfc.serialization.ConfigDict {
    const config: BaseLayerConfig = { name: this.name, trainable: this.trainable, dtype: (this.dtype as string | undefined) ?? "float32" };
    if (this.batchInputShape) config.batch_input_shape = this.batchInputShape as tfc.serialization.ConfigDictValue;
    return config;
  }

  /** Python `cls.from_config(config)`: `new this(config)`; tfjs's `fromConfig(cls, config)` also works. */
  static override fromConfig<L extends Layer>(this: new (config: never) => L, config: JsonObject | BaseLayerConfig): L;
  // The Keras form comes first so `X.fromConfig(config)` is typed; the tfjs form takes `any` so a subclass may
  // declare Keras's `static fromConfig(config: MyConfig): MyClass` without a type error.
  static override fromConfig(clsOrConfig: any, ...rest: any[]): any;
  static override fromConfig(...args: unknown[]): unknown {
    // Like Python's `cls(**config)`: positional constructor parameters are filled from config keys by name.
    if (typeof args[0] === "function") return constructFromConfig(args[0] as new () => unknown, args[1] as Record<string, unknown>);
    return constructFromConfig(this as unknown as new () => unknown, args[0] as Record<string, unknown>);
  }
}

// Users subclass it; it is not itself a user class (see library-classes.ts).
markLibraryClass(Layer);
