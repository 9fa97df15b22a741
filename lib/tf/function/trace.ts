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
import type { AttrValue, FunctionDef, NodeDef } from "../../formats/protobuf/messages.js";
import { resourceDataType } from "../../formats/savedmodel/graph-dtypes.js";
import { TensorSpec } from "./tensor-spec.js";
import { emitKernel, outputArgumentOf, typeOf, untraceable, type ConstantValue, type EmitContext, type RecordedKernel } from "./kernel-ops.js";

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

export function traceFunction(
  fn: (...inputs: tfc.Tensor[]) => TraceableResult,
  inputSpecs: TensorSpec[],
  functionName: string,
  argumentNames: string[],
): TracedFunction {
  const anyOpen = inputSpecs.some((spec) => spec.shape !== null && spec.shape.some((size) => size === null));
  return tfc.tidy(() => {
    const first = record(fn, inputSpecs, openDimensionSizes[0]);
    const second = anyOpen ? record(fn, inputSpecs, openDimensionSizes[1]) : undefined;
    const open: OpenParts = second ? compareRecordings(first, second) : { targets: new Map(), filled: new Map() };
    const traced = buildFunction(first, second, open, inputSpecs, functionName, argumentNames);
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
  const placeholders = inputSpecs.map((spec) =>
    tfc.zeros(
      (spec.shape ?? []).map((size) => size ?? openSize),
      spec.dtype,
    ),
  );
  placeholders.forEach((tensor) => produced.add(tensor.id));
  const rememberConstant = (tensor: tfc.Tensor | undefined): void => {
    if (tensor === undefined || produced.has(tensor.id) || tensor instanceof tfc.Variable || constants.has(tensor.id)) return;
    constants.set(tensor.id, { values: Array.from(tensor.dataSync() as ArrayLike<number>), shape: [...tensor.shape], dtype: tensor.dtype });
  };
  let running = 0;
  engine.runKernelFunc = function (this: unknown, params: KernelParams) {
    if (params.kernelName === undefined) return original.call(engine, params);
    const outer = running === 0;
    const named = Object.fromEntries(Object.entries(params.inputs ?? {}).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value])) as Record<
      string,
      tfc.Tensor | undefined
    >;
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

/** What depends on the open size, found by comparing two traces. */
interface OpenParts {
  /** Shape-like attributes of kernels (reshape targets, slice sizes, transposed-convolution output sizes) with `-1` at the open size. */
  targets: Map<RecordedKernel, number[]>;
  /** Constants made outside the traced ops (tf.zeros(x.shape)) filled with one value, by tensor id, with `-1` at the open size. */
  filled: Map<number, { value: ConstantValue; shape: number[] }>;
}

/**
 * Checks that two traces made with different open sizes ran the same kernels on the same
 * inputs, and finds what depends on the open size: reshape targets and slice sizes get `-1`
 * there, a transposed convolution's output size takes the batch from its input, and a constant
 * of one repeated value (tfjs-layers' `tf.zeros(inputs.shape)` for a recurrent layer's initial
 * state) becomes a `Fill` sized from the input. Anything else that depends on it (a constant
 * made from `x.shape[0]`, another kernel attribute) cannot be written into a graph that accepts
 * any size, so it is refused with the kernel named.
 */
function compareRecordings(first: Recording, second: Recording): OpenParts {
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
  /** Sizes of two shapes with -1 where they differ as the open sizes do; undefined if they differ otherwise. */
  const openPattern = (a: readonly number[], b: readonly number[]): number[] | undefined => {
    if (a.length !== b.length) return undefined;
    const pattern = a.map((size, position) =>
      size === b[position] ? size : size === openDimensionSizes[0] && b[position] === openDimensionSizes[1] ? -1 : Number.NaN,
    );
    return pattern.some(Number.isNaN) ? undefined : pattern;
  };
  /** A constant of one repeated value whose shape follows the open size. */
  const filledConstant = (a: tfc.Tensor | undefined, b: tfc.Tensor | undefined): { value: ConstantValue; shape: number[] } | undefined => {
    const left = a && first.constants.get(a.id);
    const right = b && second.constants.get(b.id);
    if (!left || !right || left.dtype !== right.dtype || left.values.length === 0 || right.values.length === 0) return undefined;
    const value = left.values[0]!;
    if (left.values.some((item) => item !== value) || right.values.some((item) => item !== value)) return undefined;
    const shape = openPattern(left.shape, right.shape);
    return shape === undefined ? undefined : { value: { values: [value], shape: [], dtype: left.dtype }, shape };
  };
  if (first.recorded.length !== second.recorded.length || first.recorded.some((kernel, index) => kernel.kernelName !== second.recorded[index]!.kernelName)) {
    throw differs("the sequence of kernels the function runs");
  }
  const targets = new Map<RecordedKernel, number[]>();
  const filled = new Map<number, { value: ConstantValue; shape: number[] }>();
  first.recorded.forEach((kernel, index) => {
    const other = second.recorded[index]!;
    const name = kernel.kernelName === "assign" ? "a variable assignment" : `the kernel "${kernel.kernelName}" (number ${index + 1})`;
    if (kernel.variable !== other.variable) throw differs(`the variable assigned by ${name}`);
    if (kernel.inputs.length !== other.inputs.length) throw differs(`the inputs of ${name}`);
    kernel.inputs.forEach((tensor, position) => {
      if (firstRole(tensor) === secondRole(other.inputs[position])) return;
      const constant = filledConstant(tensor, other.inputs[position]);
      if (constant === undefined) throw differs(`an input of ${name} (a tensor made outside the traced ops, e.g. tf.zeros([x.shape[0], n]))`);
      filled.set(tensor!.id, constant);
    });
    const attributesExcept = (attrs: Record<string, unknown>, key: string): string => JSON.stringify({ ...attrs, [key]: undefined });
    if (kernel.kernelName === "Reshape" || kernel.kernelName === "Slice") {
      // Any size that differs follows the open size (a flattened batch is 2·n, then 3·n): -1 there.
      const [a, b] = [kernel.outputs[0]!.shape, other.outputs[0]!.shape];
      const target = a.length === b.length ? a.map((size, position) => (size === b[position] ? size : -1)) : undefined;
      if (target === undefined) throw differs(`the result of ${name}`);
      if (kernel.kernelName === "Reshape" && target.filter((size) => size === -1).length > 1) throw differs(`more than one size of the result of ${name}`);
      if (kernel.kernelName === "Slice" && attributesExcept(kernel.attrs, "size") !== attributesExcept(other.attrs, "size"))
        throw differs(`the start of ${name}`);
      if (target.includes(-1)) targets.set(kernel, target);
      return;
    }
    if (kernel.kernelName === "Tile") {
      const target = openPattern(kernel.attrs["reps"] as number[], other.attrs["reps"] as number[]);
      if (target === undefined) throw differs(`the repetitions of ${name}`);
      if (target.includes(-1)) targets.set(kernel, target);
      return;
    }
    if (kernel.kernelName === "Conv2DBackpropInput" || kernel.kernelName === "Conv3DBackpropInputV2") {
      const target = openPattern(kernel.attrs["inputShape"] as number[], other.attrs["inputShape"] as number[]);
      if (target === undefined || target.slice(1).includes(-1) || attributesExcept(kernel.attrs, "inputShape") !== attributesExcept(other.attrs, "inputShape"))
        throw differs(`an attribute of ${name}`);
      if (target.includes(-1)) targets.set(kernel, target);
      return;
    }
    if (JSON.stringify(kernel.attrs) !== JSON.stringify(other.attrs)) throw differs(`an attribute of ${name} (${JSON.stringify(kernel.attrs)})`);
  });
  const firstOutputs = resultTensors(first.result);
  const secondOutputs = resultTensors(second.result);
  if (firstOutputs.length !== secondOutputs.length || firstOutputs.some((tensor, index) => firstRole(tensor) !== secondRole(secondOutputs[index]))) {
    throw differs("what the function returns");
  }
  return { targets, filled };
}

function buildFunction(
  recording: Recording,
  second: Recording | undefined,
  open: OpenParts,
  inputSpecs: TensorSpec[],
  functionName: string,
  argumentNames: string[],
): TracedFunction {
  const { recorded, constants, placeholders, result } = recording;
  const nodes: NodeDef[] = [];
  const ops = new Set<string>();
  const used = new Set<string>();
  const edges = new Map<number, string>();
  const captured: tfc.Variable[] = [];
  const capturedArguments: string[] = [];
  placeholders.forEach((tensor, index) => edges.set(tensor.id, argumentNames[index]!));

  const node = (name: string, op: string, input: string[], attr: Record<string, AttrValue>): string => {
    let unique = name;
    for (let index = 1; used.has(unique); index++) unique = `${name}_${index}`;
    used.add(unique);
    ops.add(op);
    nodes.push({ name: unique, op, input, attr });
    return unique;
  };
  const add = (name: string, op: string, input: string[], attr: Record<string, AttrValue>): string =>
    `${node(name, op, input, attr)}:${outputArgumentOf[op] ?? "output"}:0`;
  const constant = (name: string, value: ConstantValue): string =>
    add(name, "Const", [], { dtype: { type: typeOf(value.dtype, name) }, value: { tensor: tensorProto(value) as never } });
  const intConstant = (name: string, values: number[]): string => constant(name, { values, shape: [values.length], dtype: "int32" });
  let openSizeEdge: string | undefined;
  /** `[n]`, the open size of the first input that has one, read from the input when the function runs. */
  const openSize = (): string => {
    if (openSizeEdge !== undefined) return openSizeEdge;
    const input = inputSpecs.findIndex((spec) => spec.shape?.includes(null));
    const axis = inputSpecs[input]!.shape!.indexOf(null);
    const shape = add("Shape", "Shape", [argumentNames[input]!], { T: { type: typeOf(inputSpecs[input]!.dtype, "Shape") }, out_type: { type: 3 } });
    openSizeEdge = add(
      "strided_slice",
      "StridedSlice",
      [shape, intConstant("strided_slice/stack", [axis]), intConstant("strided_slice/stack_1", [axis + 1]), intConstant("strided_slice/stack_2", [1])],
      {
        T: { type: 3 },
        Index: { type: 3 },
        begin_mask: { i: 0 },
        end_mask: { i: 0 },
        ellipsis_mask: { i: 0 },
        new_axis_mask: { i: 0 },
        shrink_axis_mask: { i: 0 },
      },
    );
    return openSizeEdge;
  };
  /** A 1-D int32 shape-like vector with the open size (read from the input) where the pattern has -1. */
  const openVector = (pattern: number[]): string => {
    const pieces: string[] = [];
    let fixed: number[] = [];
    for (const size of pattern) {
      if (size !== -1) {
        fixed.push(size);
        continue;
      }
      if (fixed.length > 0) pieces.push(intConstant("shape_part", fixed));
      fixed = [];
      pieces.push(openSize());
    }
    if (fixed.length > 0) pieces.push(intConstant("shape_part", fixed));
    return pieces.length === 1
      ? pieces[0]!
      : add("shape", "ConcatV2", [...pieces, constant("shape/axis", { values: [0], shape: [], dtype: "int32" })], {
          N: { i: pieces.length },
          T: { type: 3 },
          Tidx: { type: 3 },
        });
  };
  /** A constant of one value whose shape follows the open size: `Fill` with a shape built from the input. */
  const filledConstant = (fill: { value: ConstantValue; shape: number[] }): string =>
    add("Fill", "Fill", [openVector(fill.shape), constant("Fill/value", fill.value)], {
      T: { type: typeOf(fill.value.dtype, "Fill") },
      index_type: { type: 3 },
    });
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
      return add(`${sanitize(tensor.name)}/ReadVariableOp`, "ReadVariableOp", [resourceOf(tensor), ...(assignment ? [`^${assignment}`] : [])], {
        dtype: { type: typeOf(tensor.dtype, tensor.name) },
      });
    }
    const fill = open.filled.get(tensor.id);
    // A tensor made outside any kernel (tf.scalar, a captured tensor): its value is frozen in the graph.
    const value = constants.get(tensor.id) ?? { values: Array.from(tensor.dataSync() as ArrayLike<number>), shape: [...tensor.shape], dtype: tensor.dtype };
    const edge = fill !== undefined ? filledConstant(fill) : constant("Const", value);
    edges.set(tensor.id, edge);
    return edge;
  };
  const context: EmitContext = { node, edgeOf, constant, openTarget: (kernel) => open.targets.get(kernel), openVector };

  for (const kernel of recorded) {
    if (kernel.kernelName === "assign") {
      const variable = kernel.variable!;
      const value = edgeOf(kernel.inputs[0]!);
      const nodeName = node("AssignVariableOp", "AssignVariableOp", [resourceOf(variable), value], { dtype: { type: typeOf(variable.dtype, variable.name) } });
      lastAssignment.set(variable, nodeName);
      controlReturns[nodeName] = nodeName;
      continue;
    }
    const outputEdges = emitKernel(kernel, context);
    if (outputEdges.length !== kernel.outputs.length) throw untraceable(kernel.kernelName, `${kernel.outputs.length} outputs`);
    kernel.outputs.forEach((tensor, index) => {
      edges.set(tensor.id, outputEdges[index]!);
    });
  }

  const outputs = resultTensors(result);
  const structure: TracedFunction["structure"] =
    result === undefined || result === null
      ? { kind: "none" }
      : result instanceof tfc.Tensor
        ? { kind: "tensor" }
        : Array.isArray(result)
          ? { kind: "array" }
          : { kind: "record", keys: Object.keys(result) };
  const ret: Record<string, string> = {};
  const outputArguments = outputs.map((tensor, index) => {
    if (!(tensor instanceof tfc.Tensor))
      throw new Error(`tf.function: output ${index} is not a tensor; a traced function must return a tensor, an array of tensors or an object of tensors.`);
    const argument = index === 0 ? "identity" : `identity_${index}`;
    ret[argument] = add(index === 0 ? "Identity" : `Identity_${index}`, "Identity", [edgeOf(tensor)], { T: { type: typeOf(tensor.dtype, "output") } });
    return { name: argument, type: typeOf(tensor.dtype, "output") };
  });
  const shapeProto = (shape: Array<number | null> | null) =>
    shape === null ? { dim: [], unknown_rank: true } : { dim: shape.map((size) => ({ size: size ?? -1 })) };
  const definition: FunctionDef = {
    signature: {
      name: functionName,
      input_arg: [
        ...inputSpecs.map((spec, index) => ({ name: argumentNames[index]!, type: typeOf(spec.dtype, "input") })),
        ...capturedArguments.map((name) => ({ name, type: resourceDataType })),
      ],
      output_arg: outputArguments,
      attr: [],
      is_stateful: captured.length > 0,
    },
    // `_input_shapes` as TensorFlow records it: the shape of every argument (resources are scalars).
    attr: {
      _input_shapes: {
        list: {
          s: [],
          i: [],
          f: [],
          b: [],
          type: [],
          tensor: [],
          func: [],
          shape: [...inputSpecs.map((spec) => shapeProto(spec.shape)), ...captured.map(() => shapeProto([]))],
        },
      } as unknown as AttrValue,
    },
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
