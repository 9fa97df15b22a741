/**
 * Python `keras.activations`: every activation as a function of a tensor, with Keras's formulas and
 * defaults. Names tfjs-layers lacks (`silu`, `hard_silu`, `leaky_relu`, `celu`...) are also made
 * known to layers, so `new keras.layers.Activation("silu")` and `Dense(8, { activation: "gelu" })` work
 * and load from Keras files.
 *
 * @example
 * keras.activations.silu(tf.tensor([-1, 0, 1]));
 * new keras.layers.Dense(16, { activation: "silu" });
 */
import * as tfc from "@tensorflow/tfjs-core";
import { FunctionActivation } from "./layers/function-activation.js";
import { recordLogits } from "./activation-logits.js";

type Tensor = tfc.Tensor;

function withLogits(output: Tensor, logits: Tensor): Tensor {
  recordLogits(output, logits);
  return output;
}

export const linear = (x: Tensor): Tensor => x;
export const relu = (x: Tensor, options: { negativeSlope?: number; maxValue?: number | null; threshold?: number } = {}): Tensor =>
  tfc.tidy(() => {
    const { negativeSlope = 0, maxValue = null, threshold = 0 } = options;
    let result = tfc.where(tfc.greaterEqual(x, threshold), x, negativeSlope === 0 ? tfc.zerosLike(x) : tfc.mul(negativeSlope, tfc.sub(x, threshold)));
    if (threshold !== 0 && negativeSlope === 0) result = tfc.where(tfc.greater(x, threshold), x, tfc.zerosLike(x));
    return maxValue === null ? result : tfc.minimum(result, maxValue);
  });
export const relu6 = (x: Tensor): Tensor => tfc.clipByValue(x, 0, 6);
/** Within a train/test step the output carries its logits to crossentropy losses, as Keras's does. */
export const sigmoid = (x: Tensor): Tensor => withLogits(tfc.sigmoid(x), x);
export const tanh = (x: Tensor): Tensor => tfc.tanh(x);
export const softmax = (x: Tensor, axis = -1): Tensor => withLogits(tfc.softmax(x, axis), x);
export const logSoftmax = (x: Tensor, axis = -1): Tensor => tfc.logSoftmax(x, axis);
export const softplus = (x: Tensor): Tensor => tfc.softplus(x);
export const softsign = (x: Tensor): Tensor => tfc.tidy(() => tfc.div(x, tfc.add(1, tfc.abs(x))));
export const exponential = (x: Tensor): Tensor => tfc.exp(x);
// Written without comparisons where they would be differentiated: tfjs has no gradient for Greater/Less.
export const elu = (x: Tensor, alpha = 1): Tensor =>
  tfc.tidy(() => tfc.add(tfc.relu(x), tfc.minimum(0, tfc.mul(alpha, tfc.sub(tfc.exp(tfc.minimum(x, 0)), 1)))));
export const celu = (x: Tensor, alpha = 1): Tensor =>
  tfc.tidy(() => tfc.add(tfc.relu(x), tfc.mul(alpha, tfc.sub(tfc.exp(tfc.div(tfc.minimum(x, 0), alpha)), 1))));
export const selu = (x: Tensor): Tensor => tfc.selu(x);
export const silu = (x: Tensor): Tensor => tfc.tidy(() => tfc.mul(x, tfc.sigmoid(x)));
export const swish = silu;
/** Keras's default is the exact (erf) form; `approximate: true` is the tanh form. */
export const gelu = (x: Tensor, approximate = false): Tensor =>
  tfc.tidy(() =>
    approximate
      ? tfc.mul(tfc.mul(0.5, x), tfc.add(1, tfc.tanh(tfc.mul(Math.sqrt(2 / Math.PI), tfc.add(x, tfc.mul(0.044715, tfc.pow(x, 3)))))))
      : tfc.mul(tfc.mul(0.5, x), tfc.add(1, tfc.erf(tfc.div(x, Math.SQRT2)))),
  );
export const mish = (x: Tensor): Tensor => tfc.tidy(() => tfc.mul(x, tfc.tanh(tfc.softplus(x))));
/** Keras 3: `relu6(x + 3) / 6`. */
export const hardSigmoid = (x: Tensor): Tensor => tfc.tidy(() => tfc.div(tfc.clipByValue(tfc.add(x, 3), 0, 6), 6));
export const hardSilu = (x: Tensor): Tensor => tfc.tidy(() => tfc.mul(x, hardSigmoid(x)));
export const hardSwish = hardSilu;
export const hardTanh = (x: Tensor): Tensor => tfc.clipByValue(x, -1, 1);
export const leakyRelu = (x: Tensor, negativeSlope = 0.2): Tensor => tfc.leakyRelu(x, negativeSlope);
export const logSigmoid = (x: Tensor): Tensor => tfc.tidy(() => tfc.neg(tfc.softplus(tfc.neg(x))));
export const hardShrink = (x: Tensor, threshold = 0.5): Tensor => tfc.tidy(() => tfc.mul(x, tfc.step(tfc.sub(tfc.abs(x), threshold))));
export const softShrink = (x: Tensor, threshold = 0.5): Tensor => tfc.tidy(() => tfc.sub(x, tfc.clipByValue(x, -threshold, threshold)));
export const tanhShrink = (x: Tensor): Tensor => tfc.tidy(() => tfc.sub(x, tfc.tanh(x)));
/** (c + 1)² / 4 + relu(x − 1) with c = clip(x, −1, 1): 0 below −1, x above 1. */
export const sparsePlus = (x: Tensor): Tensor =>
  tfc.tidy(() => tfc.add(tfc.div(tfc.square(tfc.add(tfc.clipByValue(x, -1, 1), 1)), 4), tfc.relu(tfc.sub(x, 1))));
export const sparseSigmoid = (x: Tensor): Tensor => tfc.tidy(() => tfc.mul(0.5, tfc.add(tfc.clipByValue(x, -1, 1), 1)));
export const squareplus = (x: Tensor, b = 4): Tensor => tfc.tidy(() => tfc.div(tfc.add(x, tfc.sqrt(tfc.add(tfc.square(x), b))), 2));
export const glu = (x: Tensor, axis = -1): Tensor =>
  tfc.tidy(() => {
    const [a, b] = tfc.split(x, 2, axis) as [Tensor, Tensor];
    return tfc.mul(a, tfc.sigmoid(b));
  });
/**
 * Keras's `sparsemax(x, axis=-1)` as its TensorFlow backend computes it: with the values sorted in
 * descending order, support = sorted − (cumsum − 1)/r > 0, k = |support|, τ = (Σ_support cumsum − 1)/k
 * (Keras sums the cumulative sums, not the k-th one), out = max(x − τ, 0). The gradient is the one
 * TensorFlow takes through sort and cumsum, written out (tfjs has no gradient for TopK): τ depends on
 * the element of rank j ≤ k with weight (k − j + 1)/k.
 */
export const sparsemax = (x: Tensor, axis = -1): Tensor =>
  tfc.tidy(() => {
    const last = x.rank - 1;
    const along = axis < 0 ? x.rank + axis : axis;
    if (along !== last) {
      const order = x.shape.map((_size, index) => index);
      [order[along], order[last]] = [order[last]!, order[along]!];
      return tfc.transpose(sparsemax(tfc.transpose(x, order), -1), order);
    }
    const size = x.shape[last]!;
    const sparsemaxLastAxis = tfc.customGrad((input, saveArgument) => {
      const logits = input as Tensor;
      const save = saveArgument as tfc.GradSaveFunc;
      const { values: sorted, indices } = tfc.topk(logits, size, true);
      const cumsum = tfc.cumsum(sorted, last);
      const rank = tfc.range(1, size + 1);
      const support = tfc.greater(tfc.sub(sorted, tfc.div(tfc.sub(cumsum, 1), rank)), 0);
      const k = tfc.sum(tfc.cast(support, "float32"), -1, true);
      const tau = tfc.div(tfc.sub(tfc.sum(tfc.where(support, cumsum, tfc.zerosLike(cumsum)), -1, true), 1), k);
      const shifted = tfc.sub(logits, tau);
      const value = tfc.maximum(shifted, 0);
      // dτ/dx for each element: (k − rank + 1)/k within the support, scattered back from sorted order.
      const sortedWeight = tfc.div(tfc.relu(tfc.sub(tfc.add(k, 1), rank)), k);
      const weight = tfc.sum(tfc.mul(tfc.expandDims(sortedWeight, -1), tfc.oneHot(indices, size)), -2);
      save([tfc.cast(tfc.greaterEqual(shifted, 0), "float32"), weight]);
      return {
        value,
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [mask, tauWeight] = saved as [Tensor, Tensor];
          const passed = tfc.mul(dy, mask);
          return tfc.sub(passed, tfc.mul(tfc.sum(passed, -1, true), tauWeight));
        },
      };
    });
    return sparsemaxLastAxis(x);
  });
export const threshold = (x: Tensor, thresholdValue: number, defaultValue: number): Tensor =>
  tfc.tidy(() => tfc.where(tfc.greater(x, thresholdValue), x, tfc.fill(x.shape, defaultValue)));

/**
 * Activation names tfjs-layers does not know, under Keras's spelling and tfjs's camelCase (configs
 * are respelled for tfjs on load). tfjs's own activations (relu, gelu, swish...) are left as they are.
 */
const addedByName: Record<string, (x: Tensor) => Tensor> = {
  silu,
  hard_silu: hardSilu,
  hard_swish: hardSwish,
  hard_tanh: hardTanh,
  leaky_relu: (x) => leakyRelu(x),
  log_sigmoid: logSigmoid,
  celu: (x) => celu(x),
  exponential,
  hard_shrink: (x) => hardShrink(x),
  soft_shrink: (x) => softShrink(x),
  tanh_shrink: tanhShrink,
  sparse_plus: sparsePlus,
  sparse_sigmoid: sparseSigmoid,
  sparsemax: (x) => sparsemax(x),
  squareplus: (x) => squareplus(x),
  glu: (x) => glu(x),
  log_softmax: (x) => logSoftmax(x),
};

for (const [name, fn] of Object.entries(addedByName)) {
  const camel = name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  for (const className of new Set([name, camel])) {
    if (tfc.serialization.SerializationMap.getMap().classNameMap[className]) continue;
    const KerasActivation = class extends FunctionActivation {
      static readonly className = className;
      constructor() {
        super(fn, camel);
      }
    };
    tfc.serialization.registerClass(KerasActivation as unknown as tfc.serialization.SerializableConstructor<tfc.serialization.Serializable>);
  }
}

/** Python `keras.activations.get(name)`: the function for a Keras activation name. */
export function get(name: string): (x: Tensor) => Tensor {
  const all: Record<string, (x: Tensor) => Tensor> = {
    linear,
    relu: (x) => relu(x),
    relu6,
    sigmoid,
    tanh,
    softmax: (x) => softmax(x),
    softplus,
    softsign,
    elu: (x) => elu(x),
    selu,
    swish,
    gelu: (x) => gelu(x),
    mish,
    hard_sigmoid: hardSigmoid,
    ...addedByName,
  };
  const fn = all[name];
  if (!fn) throw new Error(`Unknown activation "${name}". Keras's activations: ${Object.keys(all).sort().join(", ")}.`);
  return fn;
}
