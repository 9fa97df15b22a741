/**
 * Traces a TypeScript function over tfjs ops into a TensorFlow FunctionDef. The function runs
 * on placeholder tensors built from its input signature while every top-level kernel the
 * tfjs engine runs is recorded (the engine's `runKernelFunc` is wrapped for the duration; kernels
 * that kernels run internally are not recorded); sizes the signature leaves open (the batch) are
 * found by tracing twice with different stand-in sizes, so they stay open (`-1`) in the graph
 * instead of being frozen to the stand-in. Each recorded kernel becomes a node with
 * TensorFlow's op name and attributes; tensors made outside any kernel (constants) become
 * `Const` nodes, and tfjs-core Variables read by the function become `resource` arguments read
 * with `ReadVariableOp`, as in the functions TensorFlow traces.
 *
 * @example
 * ```ts
 * const traced = traceFunction((x) => tf.relu(tf.matMul(x, w)), [new TensorSpec([null, 3])], "__inference_f_1");
 * traced.definition.node_def.map((node) => node.op); // ["ReadVariableOp", "MatMul", "Relu", "Identity"]
 * traced.captured;                                   // [w]
 * ```
 */
import * as tfc from "@tensorflow/tfjs-core";
import type { AttrValue, FunctionDef, NodeDef } from "../../formats/savedmodel/protos/messages.js";
import { TensorSpec } from "./tensor-spec.js";

export const dataTypeEnum: Record<string, number> = { float32: 1, int32: 3, string: 7, bool: 10, resource: 20 };
export const resourceType = 20;

export interface TracedFunction {
  definition: FunctionDef;
  inputSpecs: TensorSpec[];
  /** Variables the function reads, passed after the inputs as resource arguments (in this order). */
  captured: tfc.Variable[];
  /** Shape of each output in the trace (sizes the input signature leaves open are `null`). */
  outputSpecs: TensorSpec[];
  /** How the function returned its tensors: one tensor, an array, or an object (keys in output order). */
  structure: { kind: "none" } | { kind: "tensor" } | { kind: "array" } | { kind: "record"; keys: string[] };
  /** TensorFlow op names used in the body (for the MetaGraph's op list). */
  ops: Set<string>;
}

/** What a traced function may return (nothing, e.g. a function that only assigns variables). */
export type TraceableResult = tfc.Tensor | tfc.Tensor[] | Record<string, tfc.Tensor> | void;

interface RecordedKernel {
  /** `assign` marks `variable.assign(value)` (inputs = [value]), recorded instead of run. */
  kernelName: string;
  variable?: tfc.Variable;
  inputs: Array<tfc.Tensor | undefined>;
  /** The inputs by the kernel's own names (`a`, `b`, `bias`, ...), for kernels with optional inputs. */
  named: Record<string, tfc.Tensor | undefined>;
  attrs: Record<string, unknown>;
  outputs: tfc.Tensor[];
}

/** Output argument names of the TF ops we emit (edges inside functions are `node:arg:index`). */
export const outputArgumentOf: Record<string, string> = {
  MatMul: "product", BatchMatMulV2: "output", AddV2: "z", Sub: "z", Mul: "z", RealDiv: "z", Maximum: "z", Minimum: "z", Pow: "z", SquaredDifference: "z",
  Relu: "activations", Relu6: "activations", Elu: "activations", Selu: "activations", Softplus: "activations", Softmax: "softmax", LeakyRelu: "activations",
  Sigmoid: "y", Tanh: "y", Exp: "y", Log: "y", Sqrt: "y", Rsqrt: "y", Neg: "y", Abs: "y", Square: "y",
  Identity: "output", Cast: "y", Reshape: "output", Transpose: "y", Sum: "output", Mean: "output", Max: "output", Min: "output", Prod: "output",
  ReadVariableOp: "value", Const: "output", AssignVariableOp: "", BiasAdd: "output", Conv2D: "output", MaxPool: "output", AvgPool: "output",
};

const binaryOps: Record<string, string> = { Add: "AddV2", Sub: "Sub", Multiply: "Mul", RealDiv: "RealDiv", Maximum: "Maximum", Minimum: "Minimum", Pow: "Pow", SquaredDifference: "SquaredDifference" };
const unaryOps = ["Relu", "Relu6", "Elu", "Selu", "Softplus", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Rsqrt", "Neg", "Abs", "Square", "Identity"];
const reductionOps: Record<string, string> = { Sum: "Sum", Mean: "Mean", Max: "Max", Min: "Min", Prod: "Prod" };
/** tfjs's fused activations (Dense, Conv2D) as TensorFlow ops; "" is none. */
const fusedActivationOps: Record<string, string> = { linear: "", relu: "Relu", relu6: "Relu6", elu: "Elu", sigmoid: "Sigmoid", leakyrelu: "LeakyRelu" };

/**
 * Sizes used for dimensions the signature leaves open while tracing. A function with open sizes
 * is traced twice, once with each: whatever differs between the two traces depends on the open
 * size (the batch), so a reshape to `[2, 96]` then `[3, 96]` is written as `[-1, 96]` and an
 * output of `[2, 1]` then `[3, 1]` has the shape `[null, 1]`, instead of freezing the stand-in size.
 */
const openDimensionSizes = [2, 3] as const;

/** One run of the function over placeholders, with every kernel it ran. */
interface Recording {
  recorded: RecordedKernel[];
  /** Values of tensors no recorded kernel produced, by tensor id, read when first used. */
  constants: Map<number, ConstantValue>;
  placeholders: tfc.Tensor[];
  result: TraceableResult;
}

interface KernelParams {
  kernelName?: string;
  inputs?: Record<string, tfc.Tensor | tfc.Tensor[] | undefined>;
  attrs?: Record<string, unknown>;
}

export function traceFunction(fn: (...inputs: tfc.Tensor[]) => TraceableResult, inputSpecs: TensorSpec[], functionName: string, argumentNames: string[]): TracedFunction {
  const open = inputSpecs.some((spec) => spec.shape !== null && spec.shape.some((size) => size === null));
  return tfc.tidy(() => {
    const first = record(fn, inputSpecs, openDimensionSizes[0]);
    const second = open ? record(fn, inputSpecs, openDimensionSizes[1]) : undefined;
    const reshapeTargets = second ? compareRecordings(first, second) : new Map<RecordedKernel, number[]>();
    const traced = buildFunction(first, second, reshapeTargets, inputSpecs, functionName, argumentNames);
    return traced as unknown as tfc.TensorContainer;
  }) as unknown as TracedFunction;
}

/**
 * Runs `fn` once on zeros shaped by the signature (open sizes = `openSize`) and records the
 * kernels it runs. The engine's `runKernelFunc` is wrapped: a kernel called while no recorded
 * kernel is running is recorded (kernels that kernels run internally are not); a custom-gradient
 * op (tfjs's fused matMul, ...) is not a kernel, so the kernels of its body are recorded.
 */
function record(fn: (...inputs: tfc.Tensor[]) => TraceableResult, inputSpecs: TensorSpec[], openSize: number): Recording {
  const engine = tfc.engine() as unknown as { runKernelFunc: (params: KernelParams) => tfc.Tensor | tfc.Tensor[] };
  const recorded: RecordedKernel[] = [];
  const original = engine.runKernelFunc;
  // Values of tensors no recorded kernel produced (constants), read when first used: tfjs
  // disposes the ones an op creates from numbers (tf.mul(x, 2)) when the op returns.
  const produced = new Set<number>();
  const constants = new Map<number, ConstantValue>();
  const placeholders = inputSpecs.map((spec) => tfc.zeros((spec.shape ?? []).map((size) => size ?? openSize), spec.dtype));
  placeholders.forEach((tensor) => produced.add(tensor.id));
  const rememberConstant = (tensor: tfc.Tensor | undefined): void => {
    if (tensor === undefined || produced.has(tensor.id) || tensor instanceof tfc.Variable || constants.has(tensor.id)) return;
    constants.set(tensor.id, { values: Array.from(tensor.dataSync() as ArrayLike<number>), shape: [...tensor.shape], dtype: tensor.dtype });
  };
  let running = 0;
  engine.runKernelFunc = function (this: unknown, params: KernelParams) {
    if (params.kernelName === undefined) return original.call(engine, params);
    const outer = running === 0;
    const named = Object.fromEntries(Object.entries(params.inputs ?? {}).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value])) as Record<string, tfc.Tensor | undefined>;
    const inputs = Object.values(params.inputs ?? {}).flat() as Array<tfc.Tensor | undefined>;
    if (outer) inputs.forEach(rememberConstant);
    running++;
    let outputs: tfc.Tensor | tfc.Tensor[];
    try {
      outputs = original.call(engine, params);
    } finally {
      running--;
    }
    if (outer) {
      const list = Array.isArray(outputs) ? outputs : [outputs];
      list.forEach((tensor) => produced.add(tensor.id));
      recorded.push({ kernelName: params.kernelName, inputs, named, attrs: { ...(params.attrs ?? {}) }, outputs: list });
    }
    return outputs;
  };
  const originalAssign = tfc.Variable.prototype.assign;
  // Assignments become AssignVariableOp nodes; tracing must not change the real variable.
  tfc.Variable.prototype.assign = function (this: tfc.Variable, value: tfc.Tensor) {
    rememberConstant(value);
    recorded.push({ kernelName: "assign", variable: this, inputs: [value], named: {}, attrs: {}, outputs: [] });
  };
  let result: TraceableResult;
  try {
    result = fn(...placeholders);
  } finally {
    engine.runKernelFunc = original;
    tfc.Variable.prototype.assign = originalAssign;
  }
  for (const tensor of resultTensors(result)) rememberConstant(tensor);
  return { recorded, constants, placeholders, result };
}

function resultTensors(result: TraceableResult): tfc.Tensor[] {
  if (result === undefined || result === null) return [];
  if (result instanceof tfc.Tensor) return [result];
  return Array.isArray(result) ? result : Object.values(result);
}

/**
 * Checks that two traces made with different open sizes ran the same kernels on the same
 * inputs, and finds what depends on the open size: reshape targets get `-1` there. Anything
 * else that depends on it (a constant made from `x.shape[0]`, a kernel attribute) cannot be
 * written into a graph that accepts any size, so it is refused with the kernel named.
 */
function compareRecordings(first: Recording, second: Recording): Map<RecordedKernel, number[]> {
  const roleOf = (recording: Recording): ((tensor: tfc.Tensor | undefined) => string) => {
    const roles = new Map<number, string>();
    recording.placeholders.forEach((tensor, index) => roles.set(tensor.id, `input ${index}`));
    recording.recorded.forEach((kernel, index) => kernel.outputs.forEach((tensor, output) => roles.set(tensor.id, `kernel ${index}:${output}`)));
    return (tensor) => {
      if (tensor === undefined) return "none";
      const role = roles.get(tensor.id);
      if (role !== undefined) return role;
      if (tensor instanceof tfc.Variable) return `variable ${tensor.name}`;
      const value = recording.constants.get(tensor.id);
      return `constant ${JSON.stringify(value?.shape ?? tensor.shape)} ${JSON.stringify(value?.values ?? [])}`;
    };
  };
  const firstRole = roleOf(first);
  const secondRole = roleOf(second);
  const differs = (what: string): Error =>
    new Error(
      `tf.function: ${what} depends on the size of an input dimension the signature leaves open (traced with sizes ${openDimensionSizes.join(" and ")}), ` +
        `so it cannot be written into a graph that accepts any size. Compute it from the inputs with ops (tf.reshape(x, [-1, n]), tf.zerosLike(x)), ` +
        `or give the input signature a fixed size.`,
    );
  if (first.recorded.length !== second.recorded.length || first.recorded.some((kernel, index) => kernel.kernelName !== second.recorded[index]!.kernelName)) {
    throw differs("the sequence of kernels the function runs");
  }
  const targets = new Map<RecordedKernel, number[]>();
  first.recorded.forEach((kernel, index) => {
    const other = second.recorded[index]!;
    const name = kernel.kernelName === "assign" ? "a variable assignment" : `the kernel "${kernel.kernelName}" (number ${index + 1})`;
    if (kernel.variable !== other.variable) throw differs(`the variable assigned by ${name}`);
    if (kernel.inputs.length !== other.inputs.length || kernel.inputs.some((tensor, position) => firstRole(tensor) !== secondRole(other.inputs[position]))) {
      throw differs(`an input of ${name} (a tensor made outside the traced ops, e.g. tf.zeros([x.shape[0], n]))`);
    }
    if (kernel.kernelName === "Reshape") {
      const [a, b] = [kernel.outputs[0]!.shape, other.outputs[0]!.shape];
      const target = a.map((size, position) => (size === b[position] ? size : -1));
      if (target.filter((size) => size === -1).length > 1) throw differs(`more than one size of the result of ${name}`);
      targets.set(kernel, target);
      return;
    }
    if (JSON.stringify(kernel.attrs) !== JSON.stringify(other.attrs)) throw differs(`an attribute of ${name} (${JSON.stringify(kernel.attrs)})`);
  });
  const firstOutputs = resultTensors(first.result);
  const secondOutputs = resultTensors(second.result);
  if (firstOutputs.length !== secondOutputs.length || firstOutputs.some((tensor, index) => firstRole(tensor) !== secondRole(secondOutputs[index]))) {
    throw differs("what the function returns");
  }
  return targets;
}

interface ConstantValue {
  values: number[];
  shape: number[];
  dtype: tfc.DataType;
}

function buildFunction(recording: Recording, second: Recording | undefined, reshapeTargets: Map<RecordedKernel, number[]>, inputSpecs: TensorSpec[], functionName: string, argumentNames: string[]): TracedFunction {
  const { recorded, constants, placeholders, result } = recording;
  const nodes: NodeDef[] = [];
  const ops = new Set<string>();
  const used = new Set<string>();
  const edges = new Map<number, string>();
  const captured: tfc.Variable[] = [];
  const capturedArguments: string[] = [];
  placeholders.forEach((tensor, index) => edges.set(tensor.id, argumentNames[index]!));

  const add = (name: string, op: string, input: string[], attr: Record<string, AttrValue>): string => {
    let unique = name;
    for (let index = 1; used.has(unique); index++) unique = `${name}_${index}`;
    used.add(unique);
    ops.add(op);
    nodes.push({ name: unique, op, input, attr });
    return `${unique}:${outputArgumentOf[op] ?? "output"}:0`;
  };
  const constant = (name: string, value: ConstantValue): string => add(name, "Const", [], { dtype: { type: typeOf(value.dtype, name) }, value: { tensor: tensorProto(value) as never } });
  const intConstant = (name: string, values: number[]): string => constant(name, { values, shape: [values.length], dtype: "int32" });
  /** The activation a fused tfjs kernel applies after its main op. */
  const fusedActivation = (value: string, kernel: RecordedKernel, type: AttrValue): string => {
    const activation = String(kernel.attrs["activation"] ?? "linear");
    const op = fusedActivationOps[activation];
    if (op === undefined) throw untraceable(kernel.kernelName, `the fused activation "${activation}"`);
    if (op === "LeakyRelu") return add(op, op, [value], { T: type, alpha: { f: Number(kernel.attrs["leakyreluAlpha"] ?? 0.2) } });
    return op === "" ? value : add(op, op, [value], { T: type });
  };
  const controlReturns: Record<string, string> = {};
  const lastAssignment = new Map<tfc.Variable, string>();
  const resourceOf = (variable: tfc.Variable): string => {
    let index = captured.indexOf(variable);
    if (index < 0) {
      index = captured.push(variable) - 1;
      capturedArguments.push(`${sanitize(variable.name)}_readvariableop_resource`);
    }
    return capturedArguments[index]!;
  };
  const edgeOf = (tensor: tfc.Tensor): string => {
    const known = edges.get(tensor.id);
    if (known !== undefined) return known;
    if (tensor instanceof tfc.Variable) {
      // One read per use, ordered after the latest assignment of the variable in this function.
      const assignment = lastAssignment.get(tensor);
      return add(`${sanitize(tensor.name)}/ReadVariableOp`, "ReadVariableOp", [resourceOf(tensor), ...(assignment ? [`^${assignment}`] : [])], { dtype: { type: typeOf(tensor.dtype, tensor.name) } });
    }
    // A tensor made outside any kernel (tf.scalar, a captured tensor): its value is frozen in the graph.
    const value = constants.get(tensor.id) ?? { values: Array.from(tensor.dataSync() as ArrayLike<number>), shape: [...tensor.shape], dtype: tensor.dtype };
    const edge = constant("Const", value);
    edges.set(tensor.id, edge);
    return edge;
  };

  for (const kernel of recorded) {
    const inputs = kernel.inputs.filter((tensor): tensor is tfc.Tensor => tensor !== undefined);
    if (kernel.kernelName === "assign") {
      const variable = kernel.variable!;
      const value = edgeOf(inputs[0]!);
      const edge = add("AssignVariableOp", "AssignVariableOp", [resourceOf(variable), value], { dtype: { type: typeOf(variable.dtype, variable.name) } });
      const nodeName = edge.split(":")[0]!;
      lastAssignment.set(variable, nodeName);
      controlReturns[nodeName] = nodeName;
      continue;
    }
    const type = (tensor: tfc.Tensor): AttrValue => ({ type: typeOf(tensor.dtype, kernel.kernelName) });
    const name = kernel.kernelName;
    let edge: string;
    if (binaryOps[name] !== undefined) {
      edge = add(binaryOps[name]!, binaryOps[name]!, [edgeOf(inputs[0]!), edgeOf(inputs[1]!)], { T: type(inputs[0]!) });
    } else if (unaryOps.includes(name)) {
      edge = add(name, name, [edgeOf(inputs[0]!)], { T: type(inputs[0]!) });
    } else if (name === "BatchMatMul") {
      const [a, b] = [inputs[0]!, inputs[1]!];
      const transposeA = kernel.attrs["transposeA"] === true;
      const transposeB = kernel.attrs["transposeB"] === true;
      edge =
        a.rank === 2 && b.rank === 2
          ? add("MatMul", "MatMul", [edgeOf(a), edgeOf(b)], { T: type(a), transpose_a: { b: transposeA }, transpose_b: { b: transposeB } })
          : add("BatchMatMulV2", "BatchMatMulV2", [edgeOf(a), edgeOf(b)], { T: type(a), adj_x: { b: transposeA }, adj_y: { b: transposeB } });
    } else if (name === "Cast") {
      edge = add("Cast", "Cast", [edgeOf(inputs[0]!)], { SrcT: type(inputs[0]!), DstT: { type: typeOf(String(kernel.attrs["dtype"]), name) } });
    } else if (name === "Reshape") {
      const target = reshapeTargets.get(kernel) ?? (kernel.attrs["shape"] as number[]);
      edge = add("Reshape", "Reshape", [edgeOf(inputs[0]!), intConstant("Reshape/shape", target)], { T: type(inputs[0]!), Tshape: { type: 3 } });
    } else if (name === "_FusedMatMul") {
      // tfjs's fused Dense kernel: TensorFlow's MatMul (BatchMatMulV2 for stacks), BiasAdd, then the activation.
      const { a, b, bias } = kernel.named as { a: tfc.Tensor; b: tfc.Tensor; bias?: tfc.Tensor };
      const transposeA = kernel.attrs["transposeA"] === true;
      const transposeB = kernel.attrs["transposeB"] === true;
      let value =
        a.rank === 2 && b.rank === 2
          ? add("MatMul", "MatMul", [edgeOf(a), edgeOf(b)], { T: type(a), transpose_a: { b: transposeA }, transpose_b: { b: transposeB } })
          : add("BatchMatMulV2", "BatchMatMulV2", [edgeOf(a), edgeOf(b)], { T: type(a), adj_x: { b: transposeA }, adj_y: { b: transposeB } });
      if (bias !== undefined) {
        value = bias.rank === 1 ? add("BiasAdd", "BiasAdd", [value, edgeOf(bias)], { T: type(a), data_format: stringAttribute("NHWC") }) : add("AddV2", "AddV2", [value, edgeOf(bias)], { T: type(a) });
      }
      edge = fusedActivation(value, kernel, type(a));
    } else if (name === "Transpose") {
      edge = add("Transpose", "Transpose", [edgeOf(inputs[0]!), intConstant("Transpose/perm", kernel.attrs["perm"] as number[])], { T: type(inputs[0]!), Tperm: { type: 3 } });
    } else if (reductionOps[name] !== undefined) {
      const x = inputs[0]!;
      const axis = kernel.attrs["axis"];
      const axes = axis === null || axis === undefined ? [...Array(x.rank).keys()] : Array.isArray(axis) ? (axis as number[]) : [axis as number];
      edge = add(name, reductionOps[name]!, [edgeOf(x), intConstant(`${name}/reduction_indices`, axes)], { T: type(x), Tidx: { type: 3 }, keep_dims: { b: kernel.attrs["keepDims"] === true } });
    } else if (name === "Conv2D" || name === "FusedConv2D") {
      // tfjs's Conv2D layer runs FusedConv2D (conv, bias, activation): TensorFlow's Conv2D, BiasAdd, then the activation.
      const { x, filter, bias } = kernel.named as { x: tfc.Tensor; filter: tfc.Tensor; bias?: tfc.Tensor };
      if (kernel.attrs["dataFormat"] !== undefined && kernel.attrs["dataFormat"] !== "NHWC") throw untraceable(name, "channels-first data");
      let value = add("Conv2D", "Conv2D", [edgeOf(x), edgeOf(filter)], {
        T: type(x),
        strides: { list: attributeList({ i: [1, ...pair(kernel.attrs["strides"]), 1] }) },
        padding: stringAttribute(paddingOf(kernel, name)),
        dilations: { list: attributeList({ i: [1, ...pair(kernel.attrs["dilations"] ?? 1), 1] }) },
        data_format: stringAttribute("NHWC"),
      });
      if (bias !== undefined) value = add("BiasAdd", "BiasAdd", [value, edgeOf(bias)], { T: type(x), data_format: stringAttribute("NHWC") });
      edge = fusedActivation(value, kernel, type(x));
    } else if (name === "MaxPool" || name === "AvgPool") {
      const x = inputs[0]!;
      edge = add(name, name, [edgeOf(x)], {
        T: type(x),
        ksize: { list: attributeList({ i: [1, ...pair(kernel.attrs["filterSize"]), 1] }) },
        strides: { list: attributeList({ i: [1, ...pair(kernel.attrs["strides"]), 1] }) },
        padding: stringAttribute(paddingOf(kernel, name)),
        data_format: stringAttribute("NHWC"),
      });
    } else if (name === "FusedBatchNorm") {
      // Inference batch normalization, as tf-keras writes it for any rank: (x - mean) · rsqrt(variance + ε) · scale + offset.
      const { x, mean, variance, scale, offset } = kernel.named as { x: tfc.Tensor; mean: tfc.Tensor; variance: tfc.Tensor; scale?: tfc.Tensor; offset?: tfc.Tensor };
      const epsilon = constant("batchnorm/add/y", { values: [Number(kernel.attrs["varianceEpsilon"] ?? 0.001)], shape: [], dtype: "float32" });
      let factor = add("batchnorm/Rsqrt", "Rsqrt", [add("batchnorm/add", "AddV2", [edgeOf(variance), epsilon], { T: type(x) })], { T: type(x) });
      if (scale !== undefined) factor = add("batchnorm/mul", "Mul", [factor, edgeOf(scale)], { T: type(x) });
      let value = add("batchnorm/mul_1", "Mul", [add("batchnorm/sub", "Sub", [edgeOf(x), edgeOf(mean)], { T: type(x) }), factor], { T: type(x) });
      if (offset !== undefined) value = add("batchnorm/add_1", "AddV2", [value, edgeOf(offset)], { T: type(x) });
      edge = value;
    } else if (name === "Softmax") {
      const dim = kernel.attrs["dim"] as number;
      if (dim !== -1 && dim !== inputs[0]!.rank - 1) throw untraceable(name, `softmax over axis ${dim} (only the last axis)`);
      edge = add("Softmax", "Softmax", [edgeOf(inputs[0]!)], { T: type(inputs[0]!) });
    } else {
      throw untraceable(name, "this kernel");
    }
    if (kernel.outputs.length !== 1) throw untraceable(name, "more than one output");
    edges.set(kernel.outputs[0]!.id, edge);
  }

  const outputs = resultTensors(result);
  const structure: TracedFunction["structure"] =
    result === undefined || result === null ? { kind: "none" } : result instanceof tfc.Tensor ? { kind: "tensor" } : Array.isArray(result) ? { kind: "array" } : { kind: "record", keys: Object.keys(result) };
  const ret: Record<string, string> = {};
  const outputArguments = outputs.map((tensor, index) => {
    if (!(tensor instanceof tfc.Tensor)) throw new Error(`tf.function: output ${index} is not a tensor; a traced function must return a tensor, an array of tensors or an object of tensors.`);
    const argument = index === 0 ? "identity" : `identity_${index}`;
    ret[argument] = add(index === 0 ? "Identity" : `Identity_${index}`, "Identity", [edgeOf(tensor)], { T: { type: typeOf(tensor.dtype, "output") } });
    return { name: argument, type: typeOf(tensor.dtype, "output") };
  });
  const shapeProto = (shape: Array<number | null> | null) => (shape === null ? { dim: [], unknown_rank: true } : { dim: shape.map((size) => ({ size: size ?? -1 })) });
  const definition: FunctionDef = {
    signature: {
      name: functionName,
      input_arg: [...inputSpecs.map((spec, index) => ({ name: argumentNames[index]!, type: typeOf(spec.dtype, "input") })), ...capturedArguments.map((name) => ({ name, type: resourceType }))],
      output_arg: outputArguments,
      attr: [],
      is_stateful: captured.length > 0,
    },
    // `_input_shapes` as TensorFlow records it: the shape of every argument (resources are scalars).
    attr: { _input_shapes: { list: { s: [], i: [], f: [], b: [], type: [], tensor: [], func: [], shape: [...inputSpecs.map((spec) => shapeProto(spec.shape)), ...captured.map(() => shapeProto([]))] } } as unknown as AttrValue },
    node_def: nodes,
    ret,
    control_ret: controlReturns,
  };
  const secondOutputs = second ? resultTensors(second.result) : [];
  const outputSpecs = outputs.map((tensor, index) => new TensorSpec(openShape(tensor, secondOutputs[index], inputSpecs), tensor.dtype));
  return { definition, inputSpecs, captured, outputSpecs, structure, ops };
}

/** An output's shape, unknown (`null`) where it differs between the traces with different open sizes. */
function openShape(tensor: tfc.Tensor, other: tfc.Tensor | undefined, specs: TensorSpec[]): Array<number | null> | null {
  if (specs.some((spec) => spec.shape === null)) return null;
  return tensor.shape.map((size, position) => (other !== undefined && other.shape[position] !== size ? null : size));
}

/** tfjs gives a size as a number or a `[height, width]` pair. */
function pair(value: unknown): [number, number] {
  return Array.isArray(value) ? [Number(value[0]), Number(value[1])] : [Number(value), Number(value)];
}

/** An attribute's list value with only the given parts filled (`{ i: [1, 2, 2, 1] }`). */
export function attributeList(values: { i?: number[]; type?: number[] }): AttrValue["list"] {
  return { s: [], i: values.i ?? [], f: [], b: [], type: values.type ?? [], shape: [], tensor: [], func: [] };
}

/** A string attribute value (padding, data_format), as the bytes protobuf holds. */
function stringAttribute(text: string): AttrValue {
  return { s: new TextEncoder().encode(text) };
}

/** TensorFlow's padding names; tfjs's explicit paddings have no graph counterpart here. */
function paddingOf(kernel: RecordedKernel, name: string): string {
  const pad = kernel.attrs["pad"];
  if (pad !== "same" && pad !== "valid") throw untraceable(name, `padding ${JSON.stringify(pad)} (only "same" and "valid")`);
  if (kernel.attrs["dimRoundingMode"] !== undefined && kernel.attrs["dimRoundingMode"] !== null) throw untraceable(name, "a dimRoundingMode");
  return pad.toUpperCase();
}

function typeOf(dtype: string, where: string): number {
  const type = dataTypeEnum[dtype];
  if (type === undefined) throw new Error(`tf.function: dtype ${dtype} (at ${where}) cannot be written into a graph; use float32, int32 or bool.`);
  return type;
}

function tensorProto(tensor: ConstantValue): Record<string, unknown> {
  const values = tensor.values;
  const base = { dtype: typeOf(tensor.dtype, "Const"), tensor_shape: { dim: tensor.shape.map((size) => ({ size })) } };
  if (tensor.dtype === "int32") return { ...base, int_val: values };
  if (tensor.dtype === "bool") return { ...base, bool_val: values.map(Boolean) };
  return { ...base, float_val: values };
}

function sanitize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

function untraceable(kernel: string, what: string): Error {
  return new Error(
    `tf.function cannot trace the tfjs kernel "${kernel}" (${what}) into a graph yet. ` +
      `Traceable: Add, Sub, Multiply, RealDiv, Maximum, Minimum, Pow, SquaredDifference, ${unaryOps.join(", ")}, BatchMatMul (MatMul), _FusedMatMul (Dense), ` +
      `Conv2D, FusedConv2D, MaxPool, AvgPool, FusedBatchNorm, Cast, Reshape, Transpose, Sum, Mean, Max, Min, Prod, Softmax. ` +
      `Rewrite the function with these ops, or call it eagerly (without tf.function).`,
  );
}
