/**
 * Gradients tfjs-core 4.22 lacks, registered once for every backend:
 * - comparisons and boolean reductions (`Greater`, `NotEqual`, `Any`...) are not differentiable, as
 *   in TensorFlow (`ops.NotDifferentiable`): their inputs get zero gradients, so a computation that
 *   builds a mask from its input (`x · any(x ≠ 0)`, Keras's Masking) can be differentiated; tfjs
 *   threw "gradient function not found for Any";
 * - `Conv3DBackpropInputV2` (tf.conv3dTranspose, Keras's Conv3DTranspose), the transposed 3D
 *   convolution: d(input) is the forward conv3d of the upstream gradient with the same filter, and
 *   d(filter) is conv3d's filter gradient with the roles of input and output swapped.
 *
 * @example
 * import "./gradients.js";
 * tf.grad((x) => tf.sum(tf.mul(x, tf.cast(tf.greater(x, 0), "float32"))))(x); // no longer throws
 */
import * as tfc from "@tensorflow/tfjs-core";

const notDifferentiableBinary = ["Equal", "NotEqual", "Greater", "GreaterEqual", "Less", "LessEqual", "LogicalAnd", "LogicalOr", "LogicalXor"];
const notDifferentiableUnary = ["LogicalNot", "Any", "All", "IsNan", "IsInf", "IsFinite"];

for (const kernelName of notDifferentiableBinary) {
  if (tfc.getGradient(kernelName) !== undefined) continue;
  tfc.registerGradient({
    kernelName,
    inputsToSave: ["a", "b"],
    gradFunc: (_dy, saved) => {
      const [a, b] = saved as [tfc.Tensor, tfc.Tensor];
      // tfjs wants float32 gradients, also for boolean inputs.
      return { a: () => tfc.zeros(a.shape, "float32"), b: () => tfc.zeros(b.shape, "float32") };
    },
  });
}
for (const kernelName of notDifferentiableUnary) {
  if (tfc.getGradient(kernelName) !== undefined) continue;
  tfc.registerGradient({ kernelName, inputsToSave: ["x"], gradFunc: (_dy, saved) => ({ x: () => tfc.zeros(saved[0]!.shape, "float32") }) });
}

interface Conv3DTransposeAttributes {
  strides: [number, number, number] | number;
  pad: "valid" | "same";
  inputShape: [number, number, number, number, number];
}

if (tfc.getGradient("Conv3DBackpropInputV2") === undefined) {
  tfc.registerGradient({
    kernelName: "Conv3DBackpropInputV2",
    inputsToSave: ["dy", "filter"],
    gradFunc: (upstream, saved, attrs) => {
      const [input, filter] = saved as [tfc.Tensor5D, tfc.Tensor5D];
      const { strides, pad } = attrs as unknown as Conv3DTransposeAttributes;
      const gradient = upstream as tfc.Tensor5D;
      return {
        dy: () => tfc.conv3d(gradient, filter, strides, pad),
        filter: () => tfc.engine().runKernel("Conv3DBackpropFilterV2", { x: gradient, dy: input }, { strides, pad, filterShape: filter.shape }) as tfc.Tensor,
      };
    },
  });
}
