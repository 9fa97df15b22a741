/**
 * tfjs kernels as TensorFlow graph ops: for each kernel a trace recorded, the NodeDefs TensorFlow
 * would have for the same computation (names and attributes of TensorFlow's op registry), so the
 * FunctionDef `traceFunction` writes loads in TensorFlow. Fused tfjs kernels expand into their
 * parts (`_FusedMatMul` → MatMul, BiasAdd, activation); kernels TensorFlow lacks are written with
 * ops it has (Prelu → Relu, Neg, Mul, Sub).
 *
 * @example
 * ```ts
 * const edges = emitKernel(recordedKernel, context); // ["MatMul:product:0"] for a BatchMatMul kernel
 * ```
 */
import type * as tfc from "@tensorflow/tfjs-core";
import type { AttrValue } from "../../formats/protobuf/messages.js";
import { dataTypeCode } from "../../formats/savedmodel/graph-dtypes.js";

export interface RecordedKernel {
  /** `assign` marks `variable.assign(value)` (inputs = [value]), recorded instead of run. */
  kernelName: string;
  variable?: tfc.Variable;
  inputs: Array<tfc.Tensor | undefined>;
  /** The inputs by the kernel's own names (`a`, `b`, `bias`, ...), for kernels with optional inputs. */
  named: Record<string, tfc.Tensor | undefined>;
  attrs: Record<string, unknown>;
  outputs: tfc.Tensor[];
}

export interface ConstantValue {
  values: number[];
  shape: number[];
  dtype: tfc.DataType;
}

/** What the emitter needs from the function being built. */
export interface EmitContext {
  /** Adds a node (its name made unique); returns the node's name. */
  node(name: string, op: string, input: string[], attr: Record<string, AttrValue>): string;
  /** The edge of a tensor the function already has (an argument, a kernel's output, a variable read, a constant). */
  edgeOf(tensor: tfc.Tensor): string;
  constant(name: string, value: ConstantValue): string;
  /**
   * A kernel's shape-like attribute with `-1` where it follows a size the signature leaves open
   * (found by tracing twice), or undefined when it does not depend on one.
   */
  openTarget(kernel: RecordedKernel): number[] | undefined;
  /** The edge of a 1-D int32 vector with these sizes, where `-1` is the open size read from the input (`Shape`, `StridedSlice`, `ConcatV2`). */
  openVector(pattern: number[]): string;
}

/** Output argument names of the TF ops we emit (edges inside functions are `node:arg:index`). */
export const outputArgumentOf: Record<string, string> = {
  MatMul: "product",
  BatchMatMulV2: "output",
  AddV2: "z",
  Sub: "z",
  Mul: "z",
  RealDiv: "z",
  Maximum: "z",
  Minimum: "z",
  Pow: "z",
  SquaredDifference: "z",
  FloorDiv: "z",
  FloorMod: "z",
  Equal: "z",
  NotEqual: "z",
  Greater: "z",
  GreaterEqual: "z",
  Less: "z",
  LessEqual: "z",
  LogicalAnd: "z",
  LogicalOr: "z",
  Relu: "activations",
  Relu6: "activations",
  Elu: "activations",
  Selu: "activations",
  Softplus: "activations",
  Softsign: "activations",
  Softmax: "softmax",
  LogSoftmax: "logsoftmax",
  LeakyRelu: "activations",
  Sigmoid: "y",
  Tanh: "y",
  Exp: "y",
  Log: "y",
  Sqrt: "y",
  Rsqrt: "y",
  Neg: "y",
  Abs: "y",
  Square: "y",
  Erf: "y",
  Floor: "y",
  Ceil: "y",
  Round: "y",
  Sign: "y",
  Reciprocal: "y",
  Sin: "y",
  Cos: "y",
  Log1p: "y",
  Expm1: "y",
  IsNan: "y",
  LogicalNot: "y",
  ZerosLike: "y",
  OnesLike: "y",
  Identity: "output",
  Cast: "y",
  Reshape: "output",
  Transpose: "y",
  Sum: "output",
  Mean: "output",
  Max: "output",
  Min: "output",
  Prod: "output",
  Any: "output",
  All: "output",
  ArgMax: "output",
  ReadVariableOp: "value",
  Const: "output",
  AssignVariableOp: "",
  BiasAdd: "output",
  Conv2D: "output",
  MaxPool: "output",
  AvgPool: "output",
  ResizeNearestNeighbor: "resized_images",
  ResizeBilinear: "resized_images",
  AddN: "sum",
  Cumsum: "out",
  Range: "output",
  OneHot: "output",
};

/** Ops we emit with more than one output argument, their arguments in order (each one tensor). */
export const multipleOutputArguments: Record<string, string[]> = { TopKV2: ["values", "indices"] };

/** The output argument names of an op as a stripped op list declares them ([] for none). */
export function outputArgumentsOf(op: string): string[] {
  const multiple = multipleOutputArguments[op];
  if (multiple !== undefined) return multiple;
  const single = outputArgumentOf[op] ?? (op === "VarHandleOp" ? "resource" : "output");
  return single === "" || op === "NoOp" ? [] : [single];
}

const binaryOps: Record<string, string> = {
  Add: "AddV2",
  Sub: "Sub",
  Multiply: "Mul",
  RealDiv: "RealDiv",
  Maximum: "Maximum",
  Minimum: "Minimum",
  Pow: "Pow",
  SquaredDifference: "SquaredDifference",
  FloorDiv: "FloorDiv",
  Mod: "FloorMod",
  Equal: "Equal",
  Greater: "Greater",
  GreaterEqual: "GreaterEqual",
  Less: "Less",
  LessEqual: "LessEqual",
  LogicalAnd: "LogicalAnd",
  LogicalOr: "LogicalOr",
};
/** tfjs kernel → TensorFlow op of the same computation on one tensor. */
const unaryOps: Record<string, string> = {
  Relu: "Relu",
  Relu6: "Relu6",
  Elu: "Elu",
  Selu: "Selu",
  Softplus: "Softplus",
  Sigmoid: "Sigmoid",
  Tanh: "Tanh",
  Exp: "Exp",
  Log: "Log",
  Sqrt: "Sqrt",
  Rsqrt: "Rsqrt",
  Neg: "Neg",
  Abs: "Abs",
  Square: "Square",
  Identity: "Identity",
  Erf: "Erf",
  Floor: "Floor",
  Ceil: "Ceil",
  Round: "Round",
  Sign: "Sign",
  Reciprocal: "Reciprocal",
  Sin: "Sin",
  Cos: "Cos",
  Log1p: "Log1p",
  Expm1: "Expm1",
  IsNan: "IsNan",
  LogicalNot: "LogicalNot",
  ZerosLike: "ZerosLike",
  OnesLike: "OnesLike",
};
const reductionOps: Record<string, string> = { Sum: "Sum", Mean: "Mean", Max: "Max", Min: "Min", Prod: "Prod", Any: "Any", All: "All" };
/** tfjs's fused activations (Dense, Conv2D) as TensorFlow ops; "" is none. */
const fusedActivationOps: Record<string, string> = { linear: "", relu: "Relu", relu6: "Relu6", elu: "Elu", sigmoid: "Sigmoid", leakyrelu: "LeakyRelu" };

/** Names of the kernels the emitter writes (for error messages). */
export const traceableKernels = [
  ...Object.keys(binaryOps),
  ...Object.keys(unaryOps),
  ...Object.keys(reductionOps),
  "BatchMatMul",
  "_FusedMatMul",
  "Cast",
  "Reshape",
  "Transpose",
  "Conv2D",
  "FusedConv2D",
  "DepthwiseConv2dNative",
  "FusedDepthwiseConv2D",
  "Conv2DBackpropInput",
  "Conv3DBackpropInputV2",
  "Conv3D",
  "MaxPool",
  "AvgPool",
  "MaxPool3D",
  "AvgPool3D",
  "FusedBatchNorm",
  "Softmax",
  "LogSoftmax",
  "LeakyRelu",
  "Prelu",
  "ClipByValue",
  "Step",
  "Concat",
  "Pack",
  "Unpack",
  "SplitV",
  "Tile",
  "PadV2",
  "Slice",
  "Reverse",
  "ExpandDims",
  "GatherV2",
  "ResizeNearestNeighbor",
  "ResizeBilinear",
  "NotEqual",
  "Select",
  "ArgMax",
  "AddN",
  "TopK",
  "Cumsum",
  "Range",
  "OneHot",
];

/** The edges of a kernel's outputs, in order, after adding its nodes. */
export function emitKernel(kernel: RecordedKernel, context: EmitContext): string[] {
  const { node, edgeOf } = context;
  const name = kernel.kernelName;
  const inputs = kernel.inputs.filter((tensor): tensor is tfc.Tensor => tensor !== undefined);
  const type = (tensor: tfc.Tensor): AttrValue => ({ type: typeOf(tensor.dtype, name) });
  const add = (nodeName: string, op: string, input: string[], attr: Record<string, AttrValue>): string =>
    `${node(nodeName, op, input, attr)}:${outputArgumentOf[op] ?? "output"}:0`;
  const list = (nodeName: string, op: string, input: string[], attr: Record<string, AttrValue>, count: number): string[] => {
    const unique = node(nodeName, op, input, attr);
    return [...Array(count).keys()].map((index) => `${unique}:output:${index}`);
  };
  const ints = (nodeName: string, values: number[], shape: number[] = [values.length]): string => context.constant(nodeName, { values, shape, dtype: "int32" });
  const scalar = (nodeName: string, value: number, dtype: tfc.DataType): string => context.constant(nodeName, { values: [value], shape: [], dtype });
  const x = inputs[0]!;
  const T = (): AttrValue => type(x);
  const axisOf = (value: unknown, rank: number): number => {
    const axis = Number(Array.isArray(value) ? value[0] : value);
    return axis < 0 ? axis + rank : axis;
  };
  const fusedActivation = (value: string, on: tfc.Tensor): string => {
    const activation = String(kernel.attrs["activation"] ?? "linear");
    const op = fusedActivationOps[activation];
    if (op === undefined) {
      if (activation === "prelu") return prelu(value, edgeOf(kernel.named["preluActivationWeights"]!), on);
      throw untraceable(name, `the fused activation "${activation}"`);
    }
    if (op === "LeakyRelu") return add(op, op, [value], { T: type(on), alpha: { f: Number(kernel.attrs["leakyreluAlpha"] ?? 0.2) } });
    return op === "" ? value : add(op, op, [value], { T: type(on) });
  };
  // TensorFlow has no Prelu op: relu(x) - alpha · relu(-x), as Keras's PReLU computes it.
  const prelu = (value: string, alpha: string, on: tfc.Tensor): string => {
    const positive = add("Relu", "Relu", [value], { T: type(on) });
    const negative = add("Relu_1", "Relu", [add("Neg", "Neg", [value], { T: type(on) })], { T: type(on) });
    return add("sub", "Sub", [positive, add("mul", "Mul", [alpha, negative], { T: type(on) })], { T: type(on) });
  };
  const withBias = (value: string, bias: tfc.Tensor | undefined, on: tfc.Tensor): string => {
    if (bias === undefined) return value;
    return bias.rank === 1
      ? add("BiasAdd", "BiasAdd", [value, edgeOf(bias)], { T: type(on), data_format: stringAttribute(dataFormatOf(on.rank)) })
      : add("add", "AddV2", [value, edgeOf(bias)], { T: type(on) });
  };
  const matMul = (a: tfc.Tensor, b: tfc.Tensor): string => {
    const transposeA = kernel.attrs["transposeA"] === true;
    const transposeB = kernel.attrs["transposeB"] === true;
    return a.rank === 2 && b.rank === 2
      ? add("MatMul", "MatMul", [edgeOf(a), edgeOf(b)], { T: type(a), transpose_a: { b: transposeA }, transpose_b: { b: transposeB } })
      : add("BatchMatMulV2", "BatchMatMulV2", [edgeOf(a), edgeOf(b)], { T: type(a), adj_x: { b: transposeA }, adj_y: { b: transposeB } });
  };
  const windowAttributes = (rank: number): Record<string, AttrValue> => {
    const spatial = rank - 2;
    return {
      strides: { list: attributeList({ i: [1, ...sizes(kernel.attrs["strides"], spatial), 1] }) },
      padding: stringAttribute(paddingOf(kernel, name)),
      data_format: stringAttribute(spatial === 3 ? "NDHWC" : "NHWC"),
    };
  };

  if (binaryOps[name] !== undefined) return [add(binaryOps[name]!, binaryOps[name]!, [edgeOf(inputs[0]!), edgeOf(inputs[1]!)], { T: T() })];
  if (unaryOps[name] !== undefined) return [add(unaryOps[name]!, unaryOps[name]!, [edgeOf(x)], { T: T() })];
  switch (name) {
    case "NotEqual":
      return [add("NotEqual", "NotEqual", [edgeOf(inputs[0]!), edgeOf(inputs[1]!)], { T: T(), incompatible_shape_error: { b: true } })];
    case "AddN":
      return [add("AddN", "AddN", inputs.map(edgeOf), { T: T(), N: { i: inputs.length } })];
    case "BatchMatMul":
      return [matMul(inputs[0]!, inputs[1]!)];
    case "_FusedMatMul": {
      // tfjs's fused Dense kernel: TensorFlow's MatMul (BatchMatMulV2 for stacks), BiasAdd, then the activation.
      const { a, b, bias } = kernel.named as { a: tfc.Tensor; b: tfc.Tensor; bias?: tfc.Tensor };
      return [fusedActivation(withBias(matMul(a, b), bias, a), a)];
    }
    case "Cast":
      return [add("Cast", "Cast", [edgeOf(x)], { SrcT: T(), DstT: { type: typeOf(String(kernel.attrs["dtype"]), name) } })];
    case "Reshape": {
      const target = context.openTarget(kernel) ?? (kernel.attrs["shape"] as number[]);
      return [add("Reshape", "Reshape", [edgeOf(x), ints("Reshape/shape", target)], { T: T(), Tshape: { type: 3 } })];
    }
    case "Transpose":
      return [add("Transpose", "Transpose", [edgeOf(x), ints("Transpose/perm", kernel.attrs["perm"] as number[])], { T: T(), Tperm: { type: 3 } })];
    case "Sum":
    case "Mean":
    case "Max":
    case "Min":
    case "Prod":
    case "Any":
    case "All": {
      // tfjs names the axes `reductionIndices` for Max and `axis` for the others.
      const axis = kernel.attrs["axis"] ?? kernel.attrs["reductionIndices"];
      const axes = axis === null || axis === undefined ? [...Array(x.rank).keys()] : Array.isArray(axis) ? (axis as number[]) : [axis as number];
      return [
        add(name, reductionOps[name]!, [edgeOf(x), ints(`${name}/reduction_indices`, axes)], {
          T: T(),
          Tidx: { type: 3 },
          keep_dims: { b: kernel.attrs["keepDims"] === true },
        }),
      ];
    }
    case "ArgMax":
      return [
        add("ArgMax", "ArgMax", [edgeOf(x), scalar("ArgMax/dimension", axisOf(kernel.attrs["axis"], x.rank), "int32")], {
          T: T(),
          Tidx: { type: 3 },
          output_type: { type: 3 },
        }),
      ];
    case "Conv2D":
    case "FusedConv2D": {
      // tfjs's Conv2D layer runs FusedConv2D (conv, bias, activation): TensorFlow's Conv2D, BiasAdd, then the activation.
      const { x: input, filter, bias } = kernel.named as { x: tfc.Tensor; filter: tfc.Tensor; bias?: tfc.Tensor };
      requireChannelsLast(kernel);
      const value = add("Conv2D", "Conv2D", [edgeOf(input), edgeOf(filter)], {
        T: type(input),
        ...windowAttributes(4),
        dilations: { list: attributeList({ i: [1, ...sizes(kernel.attrs["dilations"] ?? 1, 2), 1] }) },
      });
      return [fusedActivation(withBias(value, bias, input), input)];
    }
    case "DepthwiseConv2dNative":
    case "FusedDepthwiseConv2D": {
      const { x: input, filter, bias } = kernel.named as { x: tfc.Tensor; filter: tfc.Tensor; bias?: tfc.Tensor };
      requireChannelsLast(kernel);
      const value = add("depthwise", "DepthwiseConv2dNative", [edgeOf(input), edgeOf(filter)], {
        T: type(input),
        ...windowAttributes(4),
        dilations: { list: attributeList({ i: [1, ...sizes(kernel.attrs["dilations"] ?? 1, 2), 1] }) },
      });
      return [fusedActivation(withBias(value, bias, input), input)];
    }
    case "Conv2DBackpropInput": {
      // Conv2DTranspose: the output size is an input of the op; its batch follows the input's.
      const { dy, filter } = kernel.named as { dy: tfc.Tensor; filter: tfc.Tensor };
      requireChannelsLast(kernel);
      const outputShape = kernel.attrs["inputShape"] as number[];
      const open = context.openTarget(kernel);
      const inputSizes = open !== undefined ? context.openVector(open) : ints("conv2d_transpose/input_sizes", outputShape);
      return [
        add("conv2d_transpose", "Conv2DBackpropInput", [inputSizes, edgeOf(filter), edgeOf(dy)], {
          T: type(dy),
          ...windowAttributes(4),
          dilations: { list: attributeList({ i: [1, 1, 1, 1] }) },
        }),
      ];
    }
    case "Conv3DBackpropInputV2": {
      // Conv3DTranspose, as Conv2DTranspose: the output size is an input of the op; its batch follows the input's.
      const { dy, filter } = kernel.named as { dy: tfc.Tensor; filter: tfc.Tensor };
      requireChannelsLast(kernel);
      const outputShape = kernel.attrs["inputShape"] as number[];
      const open = context.openTarget(kernel);
      const inputSizes = open !== undefined ? context.openVector(open) : ints("conv3d_transpose/input_sizes", outputShape);
      return [
        add("conv3d_transpose", "Conv3DBackpropInputV2", [inputSizes, edgeOf(filter), edgeOf(dy)], {
          T: type(dy),
          Tshape: { type: typeOf("int32", name) },
          ...windowAttributes(5),
          dilations: { list: attributeList({ i: [1, 1, 1, 1, 1] }) },
        }),
      ];
    }
    case "Conv3D": {
      const { x: input, filter } = kernel.named as { x: tfc.Tensor; filter: tfc.Tensor };
      requireChannelsLast(kernel);
      return [
        add("Conv3D", "Conv3D", [edgeOf(input), edgeOf(filter)], {
          T: type(input),
          ...windowAttributes(5),
          dilations: { list: attributeList({ i: [1, ...sizes(kernel.attrs["dilations"] ?? 1, 3), 1] }) },
        }),
      ];
    }
    case "MaxPool":
    case "AvgPool":
    case "MaxPool3D":
    case "AvgPool3D": {
      const spatial = name.endsWith("3D") ? 3 : 2;
      return [
        add(name, name, [edgeOf(x)], {
          T: T(),
          ksize: { list: attributeList({ i: [1, ...sizes(kernel.attrs["filterSize"], spatial), 1] }) },
          ...windowAttributes(spatial + 2),
        }),
      ];
    }
    case "FusedBatchNorm": {
      // Inference batch normalization, as tf-keras writes it for any rank: (x - mean) · rsqrt(variance + ε) · scale + offset.
      const {
        x: input,
        mean,
        variance,
        scale,
        offset,
      } = kernel.named as { x: tfc.Tensor; mean: tfc.Tensor; variance: tfc.Tensor; scale?: tfc.Tensor; offset?: tfc.Tensor };
      const t = type(input);
      const epsilon = scalar("batchnorm/add/y", Number(kernel.attrs["varianceEpsilon"] ?? 0.001), "float32");
      let factor = add("batchnorm/Rsqrt", "Rsqrt", [add("batchnorm/add", "AddV2", [edgeOf(variance), epsilon], { T: t })], { T: t });
      if (scale !== undefined) factor = add("batchnorm/mul", "Mul", [factor, edgeOf(scale)], { T: t });
      const value = add("batchnorm/mul_1", "Mul", [add("batchnorm/sub", "Sub", [edgeOf(input), edgeOf(mean)], { T: t }), factor], { T: t });
      return [offset !== undefined ? add("batchnorm/add_1", "AddV2", [value, edgeOf(offset)], { T: t }) : value];
    }
    case "Softmax":
    case "LogSoftmax": {
      const dim = Number(kernel.attrs["dim"] ?? kernel.attrs["axis"] ?? -1);
      if (dim !== -1 && dim !== x.rank - 1) throw untraceable(name, `softmax over axis ${dim} (only the last axis)`);
      return [add(name, name, [edgeOf(x)], { T: T() })];
    }
    case "LeakyRelu":
      return [add("LeakyRelu", "LeakyRelu", [edgeOf(x)], { T: T(), alpha: { f: Number(kernel.attrs["alpha"] ?? 0.2) } })];
    case "Prelu": {
      const { x: input, alpha } = kernel.named as { x: tfc.Tensor; alpha: tfc.Tensor };
      return [prelu(edgeOf(input), edgeOf(alpha), input)];
    }
    case "ClipByValue":
      return [
        add(
          "clip_by_value",
          "ClipByValue",
          [
            edgeOf(x),
            scalar("clip_by_value/min", Number(kernel.attrs["clipValueMin"]), x.dtype),
            scalar("clip_by_value/max", Number(kernel.attrs["clipValueMax"]), x.dtype),
          ],
          { T: T() },
        ),
      ];
    case "Step": {
      // tfjs's step: 1 where x > 0, alpha elsewhere (NaN stays NaN, which Select keeps from x).
      const positive = add("Greater", "Greater", [edgeOf(x), scalar("step/zero", 0, x.dtype)], { T: T() });
      const ones = add("OnesLike", "OnesLike", [edgeOf(x)], { T: T() });
      const alphas = add("step/alpha", "Mul", [ones, scalar("step/alpha_value", Number(kernel.attrs["alpha"] ?? 0), x.dtype)], { T: T() });
      return [add("SelectV2", "SelectV2", [positive, ones, alphas], { T: T() })];
    }
    case "Select": {
      const { condition, t, e } = kernel.named as { condition: tfc.Tensor; t: tfc.Tensor; e: tfc.Tensor };
      return [add("SelectV2", "SelectV2", [edgeOf(condition), edgeOf(t), edgeOf(e)], { T: type(t) })];
    }
    case "Concat": {
      const axis = axisOf(kernel.attrs["axis"], x.rank);
      return [add("concat", "ConcatV2", [...inputs.map(edgeOf), scalar("concat/axis", axis, "int32")], { N: { i: inputs.length }, T: T(), Tidx: { type: 3 } })];
    }
    case "Pack":
      return [add("stack", "Pack", inputs.map(edgeOf), { N: { i: inputs.length }, T: T(), axis: { i: axisOf(kernel.attrs["axis"], x.rank + 1) } })];
    case "Unpack":
      return list(
        "unstack",
        "Unpack",
        [edgeOf(x)],
        { num: { i: kernel.outputs.length }, T: T(), axis: { i: axisOf(kernel.attrs["axis"], x.rank) } },
        kernel.outputs.length,
      );
    case "SplitV": {
      const axis = axisOf(kernel.attrs["axis"], x.rank);
      const splits = kernel.outputs.map((output) => output.shape[axis]!);
      return list(
        "split",
        "SplitV",
        [edgeOf(x), ints("split/size_splits", splits), scalar("split/split_dim", axis, "int32")],
        { num_split: { i: splits.length }, T: T(), Tlen: { type: 3 } },
        splits.length,
      );
    }
    case "Tile": {
      const open = context.openTarget(kernel);
      const multiples = open !== undefined ? context.openVector(open) : ints("Tile/multiples", kernel.attrs["reps"] as number[]);
      return [add("Tile", "Tile", [edgeOf(x), multiples], { T: T(), Tmultiples: { type: 3 } })];
    }
    case "ExpandDims":
      return [add("ExpandDims", "ExpandDims", [edgeOf(x), scalar("ExpandDims/dim", Number(kernel.attrs["dim"]), "int32")], { T: T(), Tdim: { type: 3 } })];
    case "PadV2": {
      const paddings = kernel.attrs["paddings"] as Array<[number, number]>;
      const paddingsEdge = ints("Pad/paddings", paddings.flat(), [paddings.length, 2]);
      const value = Number(kernel.attrs["constantValue"] ?? 0);
      if (value === 0) return [add("Pad", "Pad", [edgeOf(x), paddingsEdge], { T: T(), Tpaddings: { type: 3 } })];
      return [add("PadV2", "PadV2", [edgeOf(x), paddingsEdge, scalar("PadV2/constant_values", value, x.dtype)], { T: T(), Tpaddings: { type: 3 } })];
    }
    case "Slice": {
      const begin = sizes(kernel.attrs["begin"], x.rank);
      const size = context.openTarget(kernel) ?? kernel.outputs[0]!.shape;
      return [add("Slice", "Slice", [edgeOf(x), ints("Slice/begin", begin), ints("Slice/size", size)], { T: T(), Index: { type: 3 } })];
    }
    case "Reverse": {
      const dims = kernel.attrs["dims"];
      const axes = (Array.isArray(dims) ? dims : [dims]).map((axis) => axisOf(axis, x.rank));
      return [add("ReverseV2", "ReverseV2", [edgeOf(x), ints("ReverseV2/axis", axes)], { T: T(), Tidx: { type: 3 } })];
    }
    case "GatherV2": {
      const { x: params, indices } = kernel.named as { x: tfc.Tensor; indices: tfc.Tensor };
      return [
        add("GatherV2", "GatherV2", [edgeOf(params), edgeOf(indices), scalar("GatherV2/axis", axisOf(kernel.attrs["axis"] ?? 0, params.rank), "int32")], {
          Tparams: type(params),
          Tindices: type(indices),
          Taxis: { type: 3 },
          batch_dims: { i: Number(kernel.attrs["batchDims"] ?? 0) },
        }),
      ];
    }
    case "TopK": {
      // TensorFlow's TopKV2 also works on the last axis; its indices are int32 as tfjs's are.
      const unique = node("TopKV2", "TopKV2", [edgeOf(x), scalar("TopKV2/k", Number(kernel.attrs["k"]), "int32")], {
        T: T(),
        sorted: { b: kernel.attrs["sorted"] !== false },
      });
      return [`${unique}:values:0`, `${unique}:indices:0`];
    }
    case "Cumsum":
      return [
        add("Cumsum", "Cumsum", [edgeOf(x), scalar("Cumsum/axis", axisOf(kernel.attrs["axis"], x.rank), "int32")], {
          T: T(),
          Tidx: { type: 3 },
          exclusive: { b: kernel.attrs["exclusive"] === true },
          reverse: { b: kernel.attrs["reverse"] === true },
        }),
      ];
    case "Range": {
      // Written from the kernel's attributes (its inputs are numbers, not tensors), as TensorFlow's Range op.
      const dtype = String(kernel.attrs["dtype"] ?? "float32") as tfc.DataType;
      const bound = (part: string, value: unknown): string => scalar(`range/${part}`, Number(value), dtype);
      return [
        add("range", "Range", [bound("start", kernel.attrs["start"]), bound("limit", kernel.attrs["stop"]), bound("delta", kernel.attrs["step"] ?? 1)], {
          Tidx: { type: typeOf(dtype, name) },
        }),
      ];
    }
    case "OneHot": {
      const dtype = String(kernel.attrs["dtype"] ?? "int32") as tfc.DataType;
      return [
        add(
          "one_hot",
          "OneHot",
          [
            edgeOf(x),
            scalar("one_hot/depth", Number(kernel.attrs["depth"]), "int32"),
            scalar("one_hot/on_value", Number(kernel.attrs["onValue"] ?? 1), dtype),
            scalar("one_hot/off_value", Number(kernel.attrs["offValue"] ?? 0), dtype),
          ],
          { T: { type: typeOf(dtype, name) }, TI: T(), axis: { i: -1 } },
        ),
      ];
    }
    case "ResizeNearestNeighbor":
    case "ResizeBilinear": {
      const size = kernel.attrs["size"] as [number, number];
      return [
        add(name, name, [edgeOf(x), ints(`${name}/size`, [...size])], {
          T: T(),
          align_corners: { b: kernel.attrs["alignCorners"] === true },
          half_pixel_centers: { b: kernel.attrs["halfPixelCenters"] === true },
        }),
      ];
    }
    default:
      throw untraceable(name, "this kernel");
  }
}

/** tfjs gives a window size as a number or one number per spatial dimension. */
function sizes(value: unknown, count: number): number[] {
  return Array.isArray(value) ? value.map(Number) : Array(count).fill(Number(value));
}

/** An attribute's list value with only the given parts filled (`{ i: [1, 2, 2, 1] }`). */
export function attributeList(values: { i?: number[]; type?: number[] }): AttrValue["list"] {
  return { s: [], i: values.i ?? [], f: [], b: [], type: values.type ?? [], shape: [], tensor: [], func: [] };
}

/** A string attribute value (padding, data_format), as the bytes protobuf holds. */
function stringAttribute(text: string): AttrValue {
  return { s: new TextEncoder().encode(text) };
}

function dataFormatOf(rank: number): string {
  return rank === 5 ? "NDHWC" : "NHWC";
}

function requireChannelsLast(kernel: RecordedKernel): void {
  const format = kernel.attrs["dataFormat"];
  if (format !== undefined && format !== "NHWC" && format !== "NDHWC" && format !== "channelsLast") throw untraceable(kernel.kernelName, "channels-first data");
}

/** TensorFlow's padding names; tfjs's explicit paddings have no graph counterpart here. */
function paddingOf(kernel: RecordedKernel, name: string): string {
  const pad = kernel.attrs["pad"];
  if (pad !== "same" && pad !== "valid") throw untraceable(name, `padding ${JSON.stringify(pad)} (only "same" and "valid")`);
  if (kernel.attrs["dimRoundingMode"] !== undefined && kernel.attrs["dimRoundingMode"] !== null) throw untraceable(name, "a dimRoundingMode");
  return pad.toUpperCase();
}

/** The DataType code of a tfjs dtype in a graph (one table: formats/savedmodel/dtypes). */
export function typeOf(dtype: string, where: string): number {
  try {
    return dataTypeCode(dtype);
  } catch {
    throw new Error(`tf.function: dtype ${dtype} (at ${where}) cannot be written into a graph; use float32, int32 or bool.`);
  }
}

export function untraceable(kernel: string, what: string): Error {
  return new Error(
    `tf.function cannot trace the tfjs kernel "${kernel}" (${what}) into a graph yet. ` +
      `Traceable kernels: ${traceableKernels.join(", ")}. ` +
      `Rewrite the function with these ops, or call it eagerly (without tf.function).`,
  );
}
