import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { attributeEntries, markInfrastructure, trackedChildren, trackedLayers, trackedVariables } from "../../tf/tracking/attribute-tracking.js";

type Kwargs = Parameters<tfl.layers.Layer["apply"]>[1];
type Shape = Array<number | null>;

/**
 * Subclassed models (`class MyModel extends keras.Model { call(x) {...} }`): tfjs-layers only knows
 * graph models, so on the first call (or fit/predict/evaluate) we trace nothing: we run `call` once
 * eagerly to create the weights, then give the model a one-node graph whose node runs `call` on
 * whatever tensors tfjs feeds it. tfjs's compile/fit/evaluate/predict then work unchanged, and
 * `call` runs eagerly each time, as with Keras's `run_eagerly=True`.
 */
interface SubclassState {
  /** Variables the model itself created with addWeight (the ContrivedModel pattern). */
  ownWeights: tfl.LayerVariable[];
  /** compile() arguments given before the model was built, applied once it is. */
  pendingCompile?: unknown;
}

const states = new WeakMap<tfl.LayersModel, SubclassState>();

export function isSubclassed(model: tfl.LayersModel): boolean {
  return states.has(model);
}

export function subclassState(model: tfl.LayersModel): SubclassState {
  const state = states.get(model);
  if (!state) throw new Error("Not a subclassed model.");
  return state;
}

/** Called by the Model constructor when given no inputs/outputs. */
export function initSubclassed(model: tfl.LayersModel): void {
  states.set(model, { ownWeights: [] });
  (model as unknown as { built: boolean }).built = false;
  // `model.layers` is Keras's list of tracked layers, computed from the properties.
  delete (model as unknown as { layers?: unknown }).layers;
  Object.defineProperty(model, "layers", { get: () => trackedLayers(model), set: () => undefined, configurable: true, enumerable: false });
  markInfrastructure(model);
  Object.defineProperty(model, trackedChildren, {
    value: () => {
      const entries = attributeEntries(model);
      const named = new Set(entries.map(([, value]) => value));
      for (const weight of subclassState(model).ownWeights) if (!named.has(weight)) entries.push([weight.originalName.split("/").pop()!, weight]);
      return entries;
    },
  });
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** The variables a subclassed model holds itself (addWeight, or assigned to its properties), not through its layers. */
export function ownVariables(model: tfl.LayersModel): tfl.LayerVariable[] {
  return unique([...subclassState(model).ownWeights, ...(trackedVariables(model) as unknown as tfl.LayerVariable[])]);
}

export function subclassedTrainableWeights(model: tfl.LayersModel): tfl.LayerVariable[] {
  if (!model.trainable) return [];
  return unique([...ownVariables(model).filter((weight) => weight.trainable), ...model.layers.flatMap((layer) => layer.trainableWeights)]);
}

export function subclassedNonTrainableWeights(model: tfl.LayersModel): tfl.LayerVariable[] {
  if (!model.trainable) return unique([...ownVariables(model), ...model.layers.flatMap((layer) => layer.weights)]);
  return unique([...ownVariables(model).filter((weight) => !weight.trainable), ...model.layers.flatMap((layer) => layer.nonTrainableWeights)]);
}

/** The graph node standing for the model's own `call`. */
class CallLayer extends tfl.layers.Layer {
  static className = "SubclassedCall";
  constructor(
    private readonly model: tfl.LayersModel,
    private readonly outputShape1: Shape,
  ) {
    super({ name: `${model.name}_call`, trainable: true });
    this.built = true;
  }
  override call(inputs: tfc.Tensor | tfc.Tensor[], kwargs: Kwargs): tfc.Tensor | tfc.Tensor[] {
    const single = Array.isArray(inputs) && inputs.length === 1 ? inputs[0]! : inputs;
    return this.model.call(single, kwargs ?? {});
  }
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const batch = (Array.isArray(inputShape[0]) ? (inputShape[0] as Shape)[0] : (inputShape as Shape)[0]) ?? null;
    return [batch, ...this.outputShape1.slice(1)];
  }
}

/** Graph fields of a tfjs Container that the model takes over; the rest stays the model's own. */
const keepOwn = new Set([
  "name",
  "id",
  "inboundNodes",
  "outboundNodes",
  "_refCount",
  "_trainableWeights",
  "_nonTrainableWeights",
  "trainable_",
  "_built",
  "layers",
  "_callHook",
  "initialWeights",
]);

/**
 * Builds the model for inputs of `inputShape` (batch first): runs `call` once on zeros to create the
 * weights (the caller, tfjs's apply, is in the model's name scope), then installs the
 * one-node graph.
 */
export function buildSubclassed(model: tfl.LayersModel, inputShape: Shape, options: { dtype?: tfc.DataType } = {}): void {
  const run = () => {
    let outputShape: Shape = [];
    tfc.tidy(() => {
      const output = model.call(
        tfc.zeros(
          inputShape.map((size) => size ?? 1),
          options.dtype ?? "float32",
        ),
        {},
      );
      const first = Array.isArray(output) ? output[0]! : output;
      outputShape = [...first.shape];
    });
    return outputShape;
  };
  const outputShape = run();
  const input = tfl.input({ batchShape: [null, ...inputShape.slice(1)], dtype: options.dtype ?? "float32", name: `${model.name}_input` });
  const output = new CallLayer(model, outputShape).apply(input) as tfl.SymbolicTensor;
  const graph = new tfl.LayersModel({ inputs: input, outputs: output, name: model.name });
  const taken: string[] = [];
  for (const [key, value] of Object.entries(graph)) {
    if (keepOwn.has(key)) continue;
    (model as unknown as Record<string, unknown>)[key] = value;
    taken.push(key);
  }
  markInfrastructure(model, taken);
  (model as unknown as { built: boolean }).built = true;
}

/**
 * Builds a subclassed model for inputs of `inputShape` (batch axis first, its size ignored) by calling
 * it once on zeros, as its first real call would. Loading uses it with the `build_config` Keras 3
 * saves, so the weights exist before the file's values are assigned.
 */
export function buildSubclassedFor(model: tfl.LayersModel, inputShape: ReadonlyArray<number | null>, dtype: tfc.DataType = "float32"): void {
  // Through apply, so the weights are named under the model's name scope as on a first call.
  tfc.tidy(() => void model.apply(tfc.zeros([1, ...inputShape.slice(1).map((size) => size ?? 1)], dtype)));
}

/** Builds from the first batch of data given to fit/evaluate/predict, then applies a deferred compile. */
export function ensureSubclassedBuilt(model: tfl.LayersModel, x: tfc.Tensor | tfc.Tensor[], compile: (options: never) => void): void {
  if (!isSubclassed(model)) return;
  if (!model.built) {
    const first = Array.isArray(x) ? x[0]! : x;
    buildSubclassedFor(model, first.shape, first.dtype);
  }
  const state = subclassState(model);
  if (state.pendingCompile !== undefined) {
    const pending = state.pendingCompile;
    state.pendingCompile = undefined;
    compile(pending as never);
  }
}
