/**
 * The forward pass of a Keras model as a TensorFlow FunctionDef, with TensorFlow's op names
 * (MatMul, BiasAdd, Conv2D, MaxPool, Reshape, ...). Variables enter as `resource` arguments
 * read with ReadVariableOp, as in the functions tf-keras traces. Inference mode: Dropout is
 * Identity and BatchNormalization uses the moving statistics.
 *
 * @example
 * ```ts
 * const forward = forwardFunction(model, "__inference_signature_wrapper_1");
 * forward.definition.signature.input_arg.map((arg) => arg.name); // ["dense_input", "dense_kernel_resource", ...]
 * ```
 */
import type * as tfl from "@tensorflow/tfjs-layers";
import type { Tensor } from "@tensorflow/tfjs-core";
import { attributeList, traceFunction, type TracedFunction } from "../../../tf/function/trace.js";
import { TensorSpec } from "../../../tf/function/tensor-spec.js";
import { attributeName } from "../trackables.js";
import type { AttrValue, FunctionDef, NodeDef, OpDef, TensorProto } from "../../../formats/savedmodel/protos/messages.js";

export const floatType = 1;
export const int32Type = 3;
export const resourceType = 20;

export interface ForwardFunction {
  definition: FunctionDef;
  /** Model inputs in order: Keras name and shape (`-1` = any size). */
  inputs: Array<{ name: string; shape: number[] }>;
  /** Model outputs in order: Keras name (of the producing layer) and shape. */
  outputs: Array<{ name: string; shape: number[] }>;
  /** The weights passed as resource arguments, in argument order after the inputs. */
  variables: tfl.LayerVariable[];
  /** Ops the body uses (for the MetaGraph's stripped op list). */
  ops: Set<string>;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const typeAttr = (type: number): AttrValue => ({ type });
const sanitize = (name: string): string => name.toLowerCase().replace(/[^a-z0-9_]/g, "_");
const shapeOf = (shape: Array<number | null>): number[] => shape.map((size) => (size === null ? -1 : size));

export function forwardFunction(model: tfl.LayersModel, functionName: string): ForwardFunction {
  const nodes: NodeDef[] = [];
  const ops = new Set<string>();
  const used = new Set<string>();
  const variables: tfl.LayerVariable[] = [];
  const variableArguments: string[] = [];
  const add = (name: string, op: string, input: string[], attr: Record<string, AttrValue>, outputArg: string): string => {
    let unique = name;
    for (let index = 1; used.has(unique); index++) unique = `${name}_${index}`;
    used.add(unique);
    ops.add(op);
    nodes.push({ name: unique, op, input, attr });
    return `${unique}:${outputArg}:0`;
  };
  const read = (layer: tfl.layers.Layer, weight: tfl.LayerVariable): string => {
    const argument = `${sanitize(layer.name)}_${sanitize(attributeName(weight))}_readvariableop_resource`;
    variables.push(weight);
    variableArguments.push(argument);
    return add(`${layer.name}/${attributeName(weight)}/ReadVariableOp`, "ReadVariableOp", [argument], { dtype: typeAttr(floatType) }, "value");
  };
  const constant = (name: string, values: number[], type: number): string => {
    const tensor = {
      dtype: type,
      tensor_shape: { dim: [{ size: values.length }] },
      ...(type === int32Type ? { int_val: values } : { float_val: values }),
    };
    return add(name, "Const", [], { dtype: typeAttr(type), value: { tensor: tensor as unknown as TensorProto } }, "output");
  };
  const activation = (layer: tfl.layers.Layer, name: string | undefined, x: string): string => {
    const op = activationOps[name ?? "linear"];
    if (op === undefined) throw unsupported(layer, `activation "${name}"`);
    if (op === "") return x;
    return add(`${layer.name}/${op}`, op, [x], { T: typeAttr(floatType) }, activationOutputs[op] ?? "y");
  };

  const inputNames = model.inputs.map((tensor) => tensor.sourceLayer.name);
  const edges = new Map<number, string>();
  model.inputs.forEach((tensor, index) => edges.set(tensor.id, inputNames[index]!));
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    const inbound = layer.inboundNodes.find((node) => node.inputTensors.every((tensor) => edges.has(tensor.id)));
    if (inbound === undefined || inbound.inputTensors.length !== 1) throw unsupported(layer, "more than one input");
    const x = edges.get(inbound.inputTensors[0]!.id)!;
    const config = camelCaseKeys(layer.getConfig() as Record<string, unknown>);
    const weight = (name: string): tfl.LayerVariable => layer.weights.find((candidate) => attributeName(candidate) === name)!;
    let y: string;
    switch (layer.getClassName()) {
      case "Dense": {
        let value = add(`${layer.name}/MatMul`, "MatMul", [x, read(layer, weight("kernel"))], { T: typeAttr(floatType), transpose_a: { b: false }, transpose_b: { b: false } }, "product");
        if (config["useBias"] !== false) value = add(`${layer.name}/BiasAdd`, "BiasAdd", [value, read(layer, weight("bias"))], { T: typeAttr(floatType), data_format: { s: bytes("NHWC") } }, "output");
        y = activation(layer, config["activation"] as string | undefined, value);
        break;
      }
      case "Conv2D": {
        if (/^channels_?first$/i.test(String(config["dataFormat"]))) throw unsupported(layer, "channels-first data");
        const strides = config["strides"] as number[];
        const dilations = (config["dilationRate"] as number[] | number | undefined) ?? 1;
        const dilation = Array.isArray(dilations) ? dilations : [dilations, dilations];
        let value = add(
          `${layer.name}/Conv2D`,
          "Conv2D",
          [x, read(layer, weight("kernel"))],
          {
            T: typeAttr(floatType),
            strides: { list: attributeList({ i: [1, strides[0]!, strides[1]!, 1] }) },
            padding: { s: bytes(String(config["padding"]).toUpperCase()) },
            dilations: { list: attributeList({ i: [1, dilation[0]!, dilation[1]!, 1] }) },
            data_format: { s: bytes("NHWC") },
            use_cudnn_on_gpu: { b: true },
          },
          "output",
        );
        if (config["useBias"] !== false) value = add(`${layer.name}/BiasAdd`, "BiasAdd", [value, read(layer, weight("bias"))], { T: typeAttr(floatType), data_format: { s: bytes("NHWC") } }, "output");
        y = activation(layer, config["activation"] as string | undefined, value);
        break;
      }
      case "MaxPooling2D": {
        if (/^channels_?first$/i.test(String(config["dataFormat"]))) throw unsupported(layer, "channels-first data");
        const size = config["poolSize"] as number[];
        const strides = (config["strides"] as number[] | null) ?? size;
        y = add(
          `${layer.name}/MaxPool`,
          "MaxPool",
          [x],
          {
            T: typeAttr(floatType),
            ksize: { list: attributeList({ i: [1, size[0]!, size[1]!, 1] }) },
            strides: { list: attributeList({ i: [1, strides[0]!, strides[1]!, 1] }) },
            padding: { s: bytes(String(config["padding"]).toUpperCase()) },
            data_format: { s: bytes("NHWC") },
          },
          "output",
        );
        break;
      }
      case "Flatten":
      case "Reshape": {
        const outputShape = (layer.outputShape as Array<number | null>).slice(1).map((size) => size ?? -1);
        const target = layer.getClassName() === "Flatten" ? [-1, outputShape.reduce((product, size) => product * size, 1)] : [-1, ...outputShape];
        y = add(`${layer.name}/Reshape`, "Reshape", [x, constant(`${layer.name}/Const`, target, int32Type)], { T: typeAttr(floatType), Tshape: typeAttr(int32Type) }, "output");
        break;
      }
      case "Dropout":
        y = add(`${layer.name}/Identity`, "Identity", [x], { T: typeAttr(floatType) }, "output");
        break;
      case "Activation":
        y = activation(layer, config["activation"] as string | undefined, x);
        break;
      case "BatchNormalization": {
        const axis = config["axis"] as number;
        if (axis !== -1 && axis !== (layer.inputSpec?.[0]?.ndim ?? 0) - 1 && axis !== (layer.outputShape as unknown[]).length - 1) throw unsupported(layer, `axis ${axis} (only the last axis)`);
        const epsilon = constant(`${layer.name}/batchnorm/add/y`, [Number(config["epsilon"] ?? 0.001)], floatType);
        const attributes = { T: typeAttr(floatType) };
        const variance = add(`${layer.name}/batchnorm/add`, "AddV2", [read(layer, weight("moving_variance")), epsilon], attributes, "z");
        let scale = add(`${layer.name}/batchnorm/Rsqrt`, "Rsqrt", [variance], attributes, "y");
        if (config["scale"] !== false) scale = add(`${layer.name}/batchnorm/mul`, "Mul", [scale, read(layer, weight("gamma"))], attributes, "z");
        const scaled = add(`${layer.name}/batchnorm/mul_1`, "Mul", [x, scale], attributes, "z");
        const shift = add(`${layer.name}/batchnorm/mul_2`, "Mul", [read(layer, weight("moving_mean")), scale], attributes, "z");
        const offset = config["center"] !== false ? add(`${layer.name}/batchnorm/sub`, "Sub", [read(layer, weight("beta")), shift], attributes, "z") : add(`${layer.name}/batchnorm/Neg`, "Neg", [shift], attributes, "y");
        y = add(`${layer.name}/batchnorm/add_1`, "AddV2", [scaled, offset], attributes, "z");
        break;
      }
      default: {
        // Any other layer (a custom layer, ...): its call is traced into ops and inlined.
        const inputShape = (inbound.inputTensors[0]!.shape as Array<number | null>).map((size) => size);
        let traced: TracedFunction;
        try {
          traced = traceFunction((input) => layer.apply(input) as Tensor, [new TensorSpec(inputShape, "float32")], `${layer.name}_call`, ["x"]);
        } catch (error) {
          throw unsupported(layer, `its layer type (tracing its call failed: ${error instanceof Error ? error.message : String(error)})`);
        }
        const resourceNames = new Map<string, string>();
        traced.definition.signature.input_arg.slice(1).forEach((argument, index) => {
          const weight = layer.weights.find((candidate) => candidate.read() === traced.captured[index]);
          if (weight === undefined) throw unsupported(layer, `a variable its call reads that is not one of its weights`);
          const name = `${sanitize(layer.name)}_${sanitize(attributeName(weight))}_readvariableop_resource`;
          variables.push(weight);
          variableArguments.push(name);
          resourceNames.set(argument.name, name);
        });
        const renamed = new Map<string, string>();
        for (const node of traced.definition.node_def) {
          let unique = `${layer.name}/${node.name}`;
          for (let index = 1; used.has(unique); index++) unique = `${layer.name}/${node.name}_${index}`;
          used.add(unique);
          renamed.set(node.name, unique);
        }
        const remap = (edge: string): string => {
          if (edge === "x") return x;
          if (resourceNames.has(edge)) return resourceNames.get(edge)!;
          if (edge.startsWith("^")) return `^${renamed.get(edge.slice(1)) ?? edge.slice(1)}`;
          const [node, ...rest] = edge.split(":");
          return [renamed.get(node!) ?? node, ...rest].join(":");
        };
        for (const node of traced.definition.node_def) {
          ops.add(node.op);
          nodes.push({ ...node, name: renamed.get(node.name)!, input: node.input.map(remap) });
        }
        y = remap(traced.definition.ret["identity"]!);
        break;
      }
    }
    const output = inbound.outputTensors[0]!;
    edges.set(output.id, y);
  }

  const outputs = model.outputs.map((tensor) => ({ name: tensor.sourceLayer.name, shape: shapeOf(tensor.shape) }));
  const ret: Record<string, string> = {};
  const outputArguments = model.outputs.map((tensor, index) => {
    const name = index === 0 ? "identity" : `identity_${index}`;
    ret[name] = add(index === 0 ? "Identity" : `Identity_${index}`, "Identity", [edges.get(tensor.id)!], { T: typeAttr(floatType) }, "output");
    return { name, type: floatType };
  });
  const signature: OpDef = {
    name: functionName,
    input_arg: [...inputNames.map((name) => ({ name: sanitize(name), type: floatType })), ...variableArguments.map((name) => ({ name, type: resourceType }))],
    output_arg: outputArguments,
    attr: [],
    is_stateful: true,
  };
  // Arguments are referenced by their sanitized names inside the body.
  for (const node of nodes) node.input = node.input.map((input) => (inputNames.includes(input) ? sanitize(input) : input));
  return {
    definition: { signature, attr: {}, node_def: nodes, ret, control_ret: {} },
    inputs: model.inputs.map((tensor, index) => ({ name: inputNames[index]!, shape: shapeOf(tensor.shape) })),
    outputs,
    variables,
    ops,
  };
}

/**
 * The forward pass of a subclassed model (`call` is user code): `call` is traced over tfjs ops on
 * an input of the shape it was built for, with the batch size left open (`-1`), so the graph
 * accepts any batch. Keras names the serving input `input_1` and the outputs `output_1`, ...
 */
export function subclassedForwardFunction(model: tfl.LayersModel, functionName: string): ForwardFunction {
  const input = model.inputs[0];
  if (input === undefined || model.inputs.length !== 1) {
    throw new Error(`${model.name}: a subclassed model is written into a SavedModel from one call on one input; call it (or fit/predict) on a tensor before saving.`);
  }
  const inputName = "input_1";
  let traced: TracedFunction;
  try {
    traced = traceFunction((x) => model.call(x, {}) as Tensor | Tensor[], [new TensorSpec(input.shape as Array<number | null>, input.dtype)], functionName, [inputName]);
  } catch (error) {
    throw new Error(
      `${model.constructor.name}.call cannot be written into a SavedModel graph: ${error instanceof Error ? error.message : String(error)} ` +
        `Save to .keras or .h5 instead, or save the weights with saveWeights.`,
      { cause: error },
    );
  }
  const variables = traced.captured.map((captured) => {
    const weight = model.weights.find((candidate) => (candidate as unknown) === captured || candidate.read() === captured);
    if (weight === undefined) throw new Error(`${model.constructor.name}.call reads the variable "${captured.name}", which is not one of the model's weights; assign it to a property of the model or of one of its layers so it is saved.`);
    return weight;
  });
  return {
    definition: traced.definition,
    inputs: [{ name: inputName, shape: shapeOf(input.shape as Array<number | null>) }],
    outputs: traced.outputSpecs.map((spec, index) => ({ name: `output_${index + 1}`, shape: shapeOf(spec.shape ?? []) })),
    variables,
    ops: traced.ops,
  };
}


const activationOps: Record<string, string> = {
  linear: "",
  relu: "Relu",
  relu6: "Relu6",
  sigmoid: "Sigmoid",
  softmax: "Softmax",
  tanh: "Tanh",
  elu: "Elu",
  selu: "Selu",
  softplus: "Softplus",
  softsign: "Softsign",
};
const activationOutputs: Record<string, string> = { Relu: "activations", Relu6: "activations", Softmax: "softmax", Elu: "activations", Selu: "activations", Softplus: "activations", Softsign: "activations" };

function unsupported(layer: tfl.layers.Layer, what: string): Error {
  return new Error(
    `Layer "${layer.name}" (${layer.getClassName()}) cannot be written into a SavedModel graph yet because of ${what}. ` +
      `Supported: Dense, Conv2D, MaxPooling2D, Flatten, Reshape, Dropout, Activation, BatchNormalization (last axis), one input each. ` +
      `Save to .keras or .h5 instead.`,
  );
}

/** Layer configs come in Keras spelling (`use_bias`) from our layers and camelCase from plain tfjs ones. */
function camelCaseKeys(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()), value]));
}
