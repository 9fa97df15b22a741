/**
 * Element-wise arithmetic, comparisons, reductions and matrix products, mapped onto
 * tfjs-core ops.
 *
 * @example
 * ```ts
 * mathKernels.AddV2!(context); // [tf.add(a, b)]
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";
import { tfjsDtypeFor } from "../../graph-dtypes.js";
import { inputInts, inputTensor, type KernelContext, type OpKernel } from "./op-kernel.js";
import { einsum } from "./einsum.js";

type Binary = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
type Unary = (x: tf.Tensor) => tf.Tensor;

const binary =
  (operation: Binary): OpKernel =>
  (context) => [operation(inputTensor(context, 0), inputTensor(context, 1))];
const unary =
  (operation: Unary): OpKernel =>
  (context) => [operation(inputTensor(context, 0))];

/** Reductions take the axes as a second input and `keep_dims` as an attribute. */
const reduction =
  (operation: (x: tf.Tensor, axis: number[], keepDims: boolean) => tf.Tensor): OpKernel =>
  (context: KernelContext) => [operation(inputTensor(context, 0), inputInts(context, 1), context.attributes.bool("keep_dims", false))];

export const mathKernels: Record<string, OpKernel> = {
  Add: binary(tf.add),
  AddV2: binary(tf.add),
  Sub: binary(tf.sub),
  Mul: binary(tf.mul),
  RealDiv: binary(tf.div),
  Div: binary(tf.div),
  DivNoNan: binary(tf.divNoNan),
  FloorDiv: binary(tf.floorDiv),
  FloorMod: binary(tf.mod),
  Maximum: binary(tf.maximum),
  Minimum: binary(tf.minimum),
  Pow: binary(tf.pow),
  SquaredDifference: binary(tf.squaredDifference),
  Equal: binary(tf.equal),
  NotEqual: binary(tf.notEqual),
  Less: binary(tf.less),
  LessEqual: binary(tf.lessEqual),
  Greater: binary(tf.greater),
  GreaterEqual: binary(tf.greaterEqual),
  LogicalAnd: binary(tf.logicalAnd),
  LogicalOr: binary(tf.logicalOr),
  LogicalNot: unary(tf.logicalNot),
  Neg: unary(tf.neg),
  Abs: unary(tf.abs),
  Exp: unary(tf.exp),
  Log: unary(tf.log),
  Log1p: unary(tf.log1p),
  Sqrt: unary(tf.sqrt),
  Rsqrt: unary(tf.rsqrt),
  Square: unary(tf.square),
  Reciprocal: unary(tf.reciprocal),
  Floor: unary(tf.floor),
  Ceil: unary(tf.ceil),
  Round: unary(tf.round),
  Sign: unary(tf.sign),
  Sin: unary(tf.sin),
  Cos: unary(tf.cos),
  Tanh: unary(tf.tanh),
  Sigmoid: unary(tf.sigmoid),
  Erf: unary(tf.erf),
  // gelu exports as x·erfc(-x/√2)/2.
  Erfc: unary((x) => tf.sub(1, tf.erf(x))),
  Expm1: unary(tf.expm1),
  IsNan: unary(tf.isNaN),
  AddN: (context) => [tf.addN(context.inputs.map((_, index) => inputTensor(context, index)))],
  Cast: (context) => [tf.cast(inputTensor(context, 0), tfjsDtypeFor(context.attributes.type("DstT")))],
  Select: (context) => [tf.where(inputTensor(context, 0) as tf.Tensor, inputTensor(context, 1), inputTensor(context, 2))],
  SelectV2: (context) => [tf.where(inputTensor(context, 0) as tf.Tensor, inputTensor(context, 1), inputTensor(context, 2))],
  MatMul: (context) => [
    tf.matMul(inputTensor(context, 0), inputTensor(context, 1), context.attributes.bool("transpose_a", false), context.attributes.bool("transpose_b", false)),
  ],
  BatchMatMul: batchMatMul,
  BatchMatMulV2: batchMatMul,
  BatchMatMulV3: batchMatMul,
  Sum: reduction(tf.sum),
  Mean: reduction(tf.mean),
  Max: reduction(tf.max),
  Min: reduction(tf.min),
  Prod: reduction(tf.prod),
  All: reduction(tf.all),
  Any: reduction(tf.any),
  Einsum: (context) => [einsum(context.attributes.string("equation"), ...context.inputs.map((_, index) => inputTensor(context, index)))],
  Cumsum: (context) => {
    const x = inputTensor(context, 0);
    // tfjs's wasm cumsum reads out of bounds on a negative axis (Keras exports axis=-1).
    const axis = inputInts(context, 1)[0]!;
    return [tf.cumsum(x, axis < 0 ? axis + x.rank : axis, context.attributes.bool("exclusive", false), context.attributes.bool("reverse", false))];
  },
  ClipByValue: (context) => [
    tf.clipByValue(inputTensor(context, 0), inputTensor(context, 1).dataSync()[0] as number, inputTensor(context, 2).dataSync()[0] as number),
  ],
  ArgMax: (context) => [tf.argMax(inputTensor(context, 0), inputInts(context, 1)[0])],
  ArgMin: (context) => [tf.argMin(inputTensor(context, 0), inputInts(context, 1)[0])],
};

function batchMatMul(context: KernelContext): tf.Tensor[] {
  return [tf.matMul(inputTensor(context, 0), inputTensor(context, 1), context.attributes.bool("adj_x", false), context.attributes.bool("adj_y", false))];
}
