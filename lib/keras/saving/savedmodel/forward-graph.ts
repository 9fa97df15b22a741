/**
 * The forward pass of a Keras model as a TensorFlow FunctionDef, traced by the one TF-op emitter
 * (`traceFunction`, also behind tf.function): the model's inference call (`training: false`) runs
 * on placeholder inputs while its tfjs kernels are recorded as TensorFlow ops (MatMul, Conv2D,
 * GatherV2, ...). Variables enter as `resource` arguments read with ReadVariableOp, as in the
 * functions tf-keras traces. Sequential, Functional (any number of inputs and outputs) and
 * subclassed models take this one path.
 *
 * Names follow tf-keras 2's SavedModel: a graph model's serving inputs are named after its input
 * layers (`dense_input`, `input_1`) and its outputs after the layers producing them; a subclassed
 * model's are `input_1` and `output_1`, `output_2`, ...
 *
 * @example
 * ```ts
 * const forward = forwardFunction(model, "__inference_signature_wrapper_1");
 * forward.inputs;  // [{ name: "dense_input", shape: [-1, 3], dtype: 1 }]
 * forward.outputs; // [{ name: "dense_1", shape: [-1, 2], dtype: 1 }]
 * ```
 */
import type * as tfl from "@tensorflow/tfjs-layers";
import type { Tensor } from "@tensorflow/tfjs-core";
import { traceFunction, type TracedFunction } from "../../../tf/function/trace.js";
import { TensorSpec } from "../../../tf/function/tensor-spec.js";
import { dataTypeCode } from "../../../formats/savedmodel/graph-dtypes.js";
import type { FunctionDef } from "../../../formats/protobuf/messages.js";
import { isSubclassed } from "../../models/subclassed.js";

/** A serving input or output: its signature key, shape (`-1` = any size) and DataType code. */
export interface ForwardTensor {
  name: string;
  shape: number[];
  dtype: number;
}

export interface ForwardFunction {
  definition: FunctionDef;
  inputs: ForwardTensor[];
  outputs: ForwardTensor[];
  /** For each of the model's inputs (in `model.inputs` order), its position in `inputs` (sorted by name). */
  modelInputOrder: number[];
  /** The model takes a list of inputs (a graph model with several), rather than one tensor. */
  takesList: boolean;
  /** The weights passed as resource arguments, in argument order after the inputs. */
  variables: tfl.LayerVariable[];
  /** Ops the body uses (for the MetaGraph's stripped op list). */
  ops: Set<string>;
}

const sanitize = (name: string): string => name.toLowerCase().replace(/[^a-z0-9_]/g, "_");
const shapeOf = (shape: ReadonlyArray<number | null> | null): number[] => (shape ?? []).map((size) => (size === null ? -1 : size));

/** Names made unique in order: a repeated name gets `_1`, `_2`, ... (as Keras names repeated outputs). */
function uniqueNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let unique = name;
    for (let index = 1; used.has(unique); index++) unique = `${name}_${index}`;
    used.add(unique);
    return unique;
  });
}

export function forwardFunction(model: tfl.LayersModel, functionName: string): ForwardFunction {
  const subclassed = isSubclassed(model);
  const symbolicInputs = model.inputs ?? [];
  if (symbolicInputs.length === 0) {
    throw new Error(`${model.name}: a model is written into a SavedModel from one call on its inputs; call it (or fit/predict) on a tensor before saving.`);
  }
  if (subclassed && symbolicInputs.length !== 1) {
    throw new Error(`${model.name}: a subclassed model is written into a SavedModel from one call on one input; it has ${symbolicInputs.length}.`);
  }
  const modelInputNames = subclassed ? ["input_1"] : uniqueNames(symbolicInputs.map((tensor) => tensor.sourceLayer.name));
  const modelSpecs = symbolicInputs.map((tensor) => new TensorSpec(tensor.shape as Array<number | null>, tensor.dtype));
  requireKnownSizes(model, modelSpecs, modelInputNames);
  // TensorFlow binds a signature's keyword inputs to the function's arguments in sorted key order
  // (nest flattens a dict by sorted keys), so the arguments follow the sorted names, not model.inputs.
  const order = modelInputNames
    .map((_, index) => index)
    .sort((left, right) => compareText(sanitize(modelInputNames[left]!), sanitize(modelInputNames[right]!)));
  const inputNames = order.map((index) => modelInputNames[index]!);
  const specs = order.map((index) => modelSpecs[index]!);
  const call = (...sortedInputs: Tensor[]): Tensor[] => {
    const inputs: Tensor[] = [];
    order.forEach((modelIndex, position) => {
      inputs[modelIndex] = sortedInputs[position]!;
    });
    const argument = inputs.length === 1 ? inputs[0]! : inputs;
    const result = subclassed ? model.call(argument, {}) : model.apply(argument, { training: false });
    return (Array.isArray(result) ? result : [result]) as Tensor[];
  };
  let traced: TracedFunction;
  try {
    traced = traceFunction(call, specs, functionName, inputNames.map(sanitize));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const culprit = subclassed ? `${model.constructor.name}.call` : firstUntraceableLayer(model);
    throw new Error(
      `${culprit ?? `Model "${model.name}"`} cannot be written into a SavedModel graph: ${reason} Save to .keras or .h5 instead, or save the weights with saveWeights.`,
      { cause: error },
    );
  }
  const variables = traced.captured.map((captured) => {
    const weight = model.weights.find((candidate) => (candidate as unknown) === captured || candidate.read() === captured);
    if (weight === undefined) {
      throw new Error(
        `${model.name}: its call reads the variable "${captured.name}", which is not one of the model's weights; assign it to a property of the model or of one of its layers so it is saved.`,
      );
    }
    return weight;
  });
  const outputNames = subclassed
    ? traced.outputSpecs.map((_, index) => `output_${index + 1}`)
    : uniqueNames(model.outputs.map((tensor) => tensor.sourceLayer.name));
  return {
    definition: traced.definition,
    inputs: specs.map((spec, index) => ({ name: inputNames[index]!, shape: shapeOf(spec.shape), dtype: dataTypeCode(spec.dtype) })),
    outputs: traced.outputSpecs.map((spec, index) => ({ name: outputNames[index]!, shape: shapeOf(spec.shape), dtype: dataTypeCode(spec.dtype) })),
    modelInputOrder: modelInputNames.map((_, modelIndex) => order.indexOf(modelIndex)),
    takesList: modelInputNames.length > 1,
    variables,
    ops: traced.ops,
  };
}

/**
 * Only the batch may be left open: tfjs unrolls recurrent layers over the time steps and sizes
 * reshapes from the input, so a graph traced for one length would be wrong for another.
 */
function requireKnownSizes(model: tfl.LayersModel, specs: TensorSpec[], names: string[]): void {
  specs.forEach((spec, index) => {
    const open = (spec.shape ?? []).slice(1).indexOf(null);
    if (open < 0) return;
    throw new Error(
      `Model "${model.name}" cannot be written into a SavedModel graph: its input "${names[index]}" has the shape [${(spec.shape ?? []).map((size) => size ?? "None").join(", ")}], ` +
        `open (None) in dimension ${open + 1}. tskeras traces the forward pass for fixed sizes except the batch (recurrent layers are unrolled over the time steps). ` +
        `Give the Input a full shape (e.g. keras.Input({ shape: [10, 8] })), or save to .keras or .h5 instead.`,
    );
  });
}

/** The first layer whose call cannot be traced on its own (to name it in the error), if any. */
function firstUntraceableLayer(model: tfl.LayersModel): string | undefined {
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    const node = layer.inboundNodes[0];
    if (node === undefined) continue;
    const inputs = node.inputTensors;
    if (inputs.some((tensor) => (tensor.shape as Array<number | null>).slice(1).includes(null))) continue;
    try {
      const layerSpecs = inputs.map((tensor) => new TensorSpec(tensor.shape as Array<number | null>, tensor.dtype));
      traceFunction(
        (...xs: Tensor[]) => layer.apply(xs.length === 1 ? xs[0]! : xs, { training: false }) as Tensor | Tensor[],
        layerSpecs,
        `${sanitize(layer.name)}_call`,
        layerSpecs.map((_, index) => `x${index}`),
      );
    } catch {
      return `Layer "${layer.name}" (${layer.getClassName()})`;
    }
  }
  return undefined;
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
