import * as tfc from "@tensorflow/tfjs-core";

/**
 * TensorFlow.js's chained tensor methods (`x.flatten()`, `x.matMul(y)`) are registered by ESM-only
 * side-effect modules that Node cannot load next to the CommonJS build tfjs-layers uses (and that
 * would patch a second copy of the Tensor class). Layers call them (Orthogonal initializers,
 * LSTM cells), so they are registered here on the Tensor class everyone shares.
 */
const methodsTakingThisFirst = [
  "abs",
  "acos",
  "acosh",
  "add",
  "all",
  "any",
  "argMax",
  "argMin",
  "asin",
  "asinh",
  "atan",
  "atan2",
  "atanh",
  "batchNorm",
  "batchToSpaceND",
  "broadcastTo",
  "cast",
  "ceil",
  "clipByValue",
  "conv1d",
  "conv2d",
  "cos",
  "cosh",
  "cumprod",
  "cumsum",
  "depthToSpace",
  "div",
  "divNoNan",
  "dot",
  "elu",
  "equal",
  "erf",
  "euclideanNorm",
  "exp",
  "expandDims",
  "expm1",
  "fft",
  "floor",
  "floorDiv",
  "gather",
  "greater",
  "greaterEqual",
  "ifft",
  "irfft",
  "isFinite",
  "isInf",
  "isNaN",
  "leakyRelu",
  "less",
  "lessEqual",
  "log",
  "log1p",
  "logSigmoid",
  "logSoftmax",
  "logSumExp",
  "logicalAnd",
  "logicalNot",
  "logicalOr",
  "logicalXor",
  "matMul",
  "max",
  "maximum",
  "mean",
  "min",
  "minimum",
  "mirrorPad",
  "mod",
  "mul",
  "neg",
  "norm",
  "notEqual",
  "oneHot",
  "onesLike",
  "pad",
  "pool",
  "pow",
  "prelu",
  "prod",
  "reciprocal",
  "relu",
  "relu6",
  "reshape",
  "reverse",
  "rfft",
  "round",
  "rsqrt",
  "selu",
  "sigmoid",
  "sign",
  "sin",
  "sinh",
  "slice",
  "softmax",
  "softplus",
  "spaceToBatchND",
  "split",
  "sqrt",
  "square",
  "squaredDifference",
  "squeeze",
  "step",
  "stridedSlice",
  "sub",
  "sum",
  "tan",
  "tanh",
  "tile",
  "topk",
  "transpose",
  "unique",
  "unstack",
  "zerosLike",
] as const;

type AnyTensor = tfc.Tensor;
type Method = (this: AnyTensor, ...args: never[]) => unknown;

export function registerChainedOps(): void {
  const prototype = tfc.Tensor.prototype as unknown as Record<string, Method>;
  if (typeof prototype.flatten === "function") return; // already registered (e.g. by @tensorflow/tfjs)
  const ops = tfc as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of methodsTakingThisFirst) {
    const op = ops[name];
    if (typeof op === "function")
      prototype[name] = function (this: AnyTensor, ...args: unknown[]) {
        return op(this, ...args);
      } as Method;
  }
  const special: Record<string, (this: AnyTensor, ...args: never[]) => unknown> = {
    flatten() {
      return tfc.reshape(this, [this.size]);
    },
    asScalar() {
      return tfc.reshape(this, []);
    },
    as1D() {
      return tfc.reshape(this, [this.size]);
    },
    as2D(rows: number, columns: number) {
      return tfc.reshape(this, [rows, columns]);
    },
    as3D(rows: number, columns: number, depth: number) {
      return tfc.reshape(this, [rows, columns, depth]);
    },
    as4D(rows: number, columns: number, depth: number, depth2: number) {
      return tfc.reshape(this, [rows, columns, depth, depth2]);
    },
    as5D(rows: number, columns: number, depth: number, depth2: number, depth3: number) {
      return tfc.reshape(this, [rows, columns, depth, depth2, depth3]);
    },
    asType(dtype: tfc.DataType) {
      return tfc.cast(this, dtype);
    },
    toFloat() {
      return tfc.cast(this, "float32");
    },
    toInt() {
      return tfc.cast(this, "int32");
    },
    toBool() {
      return tfc.cast(this, "bool");
    },
    reshapeAs(other: AnyTensor) {
      return tfc.reshape(this, other.shape);
    },
    concat(others: AnyTensor | AnyTensor[], axis?: number) {
      return tfc.concat([this, ...(others instanceof tfc.Tensor ? [others] : others)], axis);
    },
    stack(others: AnyTensor | AnyTensor[], axis?: number) {
      return tfc.stack([this, ...(others instanceof tfc.Tensor ? [others] : others)], axis);
    },
    where(condition: AnyTensor, other: AnyTensor) {
      return tfc.where(condition, this, other);
    },
  };
  Object.assign(prototype, special);
}
