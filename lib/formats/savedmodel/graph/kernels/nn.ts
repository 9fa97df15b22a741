/**
 * Neural-network ops: activations, top-k, bias, convolution, pooling and inference-mode batch
 * normalization, mapped onto tfjs-core ops. Convolutions and pools support the NHWC
 * layout Keras uses (TensorFlow itself cannot run NCHW convolutions on CPU either).
 *
 * @example
 * ```ts
 * nnKernels.Relu!(context); // [tf.relu(x)]
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";
import { inputInts, inputTensor, type KernelContext, type OpKernel } from "./op-kernel.js";

const activation =
  (operation: (x: tf.Tensor) => tf.Tensor): OpKernel =>
  (context) => [operation(inputTensor(context, 0))];

export const nnKernels: Record<string, OpKernel> = {
  Relu: activation(tf.relu),
  Relu6: activation(tf.relu6),
  Elu: activation(tf.elu),
  Selu: activation(tf.selu),
  Softplus: activation(tf.softplus),
  Softsign: activation((x) => tf.div(x, tf.add(tf.abs(x), 1))),
  Softmax: activation((x) => tf.softmax(x)),
  LogSoftmax: activation((x) => tf.logSoftmax(x)),
  LeakyRelu: (context) => [tf.leakyRelu(inputTensor(context, 0), context.attributes.float("alpha", 0.2))],
  // The k largest values along the last axis and their indices (Keras's sort and sparsemax export it).
  TopKV2: (context) => {
    const { values, indices } = tf.topk(inputTensor(context, 0), inputInts(context, 1)[0], context.attributes.bool("sorted", true));
    return [values, indices];
  },
  BiasAdd: biasAdd,
  BiasAddV1: biasAdd,
  Conv2D: (context) => {
    requireChannelsLast(context);
    const [, strideHeight, strideWidth] = context.attributes.intList("strides");
    const [, dilationHeight, dilationWidth] = context.attributes.intList("dilations", [1, 1, 1, 1]);
    return [
      tf.conv2d(inputTensor(context, 0) as tf.Tensor4D, inputTensor(context, 1) as tf.Tensor4D, [strideHeight!, strideWidth!], padding(context), "NHWC", [
        dilationHeight!,
        dilationWidth!,
      ]),
    ];
  },
  DepthwiseConv2dNative: (context) => {
    requireChannelsLast(context);
    const [, strideHeight, strideWidth] = context.attributes.intList("strides");
    const [, dilationHeight, dilationWidth] = context.attributes.intList("dilations", [1, 1, 1, 1]);
    return [
      tf.depthwiseConv2d(
        inputTensor(context, 0) as tf.Tensor4D,
        inputTensor(context, 1) as tf.Tensor4D,
        [strideHeight!, strideWidth!],
        padding(context),
        "NHWC",
        [dilationHeight!, dilationWidth!],
      ),
    ];
  },
  Conv2DBackpropInput: (context) => {
    // Keras Conv2DTranspose: inputs are (output size, filter, value); tfjs's transpose
    // convolution takes the same filter layout.
    requireChannelsLast(context);
    const [, strideHeight, strideWidth] = context.attributes.intList("strides");
    const outputShape = Array.from(inputTensor(context, 0).dataSync()) as [number, number, number, number];
    return [
      tf.conv2dTranspose(
        inputTensor(context, 2) as tf.Tensor4D,
        inputTensor(context, 1) as tf.Tensor4D,
        outputShape,
        [strideHeight!, strideWidth!],
        padding(context),
      ),
    ];
  },
  ResizeBilinear: (context) => [
    tf.image.resizeBilinear(
      inputTensor(context, 0) as tf.Tensor4D,
      Array.from(inputTensor(context, 1).dataSync()) as [number, number],
      context.attributes.bool("align_corners", false),
      context.attributes.bool("half_pixel_centers", false),
    ),
  ],
  ResizeNearestNeighbor: (context) => [
    tf.image.resizeNearestNeighbor(
      inputTensor(context, 0) as tf.Tensor4D,
      Array.from(inputTensor(context, 1).dataSync()) as [number, number],
      context.attributes.bool("align_corners", false),
      context.attributes.bool("half_pixel_centers", false),
    ),
  ],
  MaxPool: (context) => pool(context, tf.maxPool),
  AvgPool: (context) => pool(context, tf.avgPool),
  Conv3DBackpropInputV2: (context) => {
    // Keras Conv3DTranspose: inputs are (output size, filter, value), as for Conv2DBackpropInput.
    requireChannelsLast(context);
    const [, strideDepth, strideHeight, strideWidth] = context.attributes.intList("strides");
    const outputShape = Array.from(inputTensor(context, 0).dataSync()) as [number, number, number, number, number];
    return [
      tf.conv3dTranspose(
        inputTensor(context, 2) as tf.Tensor5D,
        inputTensor(context, 1) as tf.Tensor5D,
        outputShape,
        [strideDepth!, strideHeight!, strideWidth!],
        context.attributes.string("padding") === "SAME" ? "same" : "valid",
      ),
    ];
  },
  Conv3D: (context) => {
    requireChannelsLast(context);
    const [, strideDepth, strideHeight, strideWidth] = context.attributes.intList("strides");
    const [, dilationDepth, dilationHeight, dilationWidth] = context.attributes.intList("dilations", [1, 1, 1, 1, 1]);
    const kind = context.attributes.string("padding");
    return [
      tf.conv3d(
        inputTensor(context, 0) as tf.Tensor5D,
        inputTensor(context, 1) as tf.Tensor5D,
        [strideDepth!, strideHeight!, strideWidth!],
        kind === "SAME" ? "same" : "valid",
        "NDHWC",
        [dilationDepth!, dilationHeight!, dilationWidth!],
      ),
    ];
  },
  MaxPool3D: (context) => pool3d(context, tf.maxPool3d),
  AvgPool3D: (context) => pool3d(context, tf.avgPool3d),
  FusedBatchNorm: fusedBatchNorm,
  FusedBatchNormV2: fusedBatchNorm,
  FusedBatchNormV3: fusedBatchNorm,
};

function biasAdd(context: KernelContext): tf.Tensor[] {
  const value = inputTensor(context, 0);
  const bias = inputTensor(context, 1);
  if (context.attributes.string("data_format", "NHWC") === "NCHW" && value.rank > 2) {
    // Channels sit on axis 1: give the bias trailing unit axes so it broadcasts there.
    const shape = [bias.size, ...new Array<number>(value.rank - 2).fill(1)];
    return [tf.add(value, tf.reshape(bias, shape))];
  }
  return [tf.add(value, bias)];
}

function requireChannelsLast(context: KernelContext): void {
  const format = context.attributes.string("data_format", "NHWC");
  if (format !== "NHWC" && format !== "NDHWC") {
    throw new Error(
      `Node "${context.node.name}" (op ${context.node.op}) uses data_format ${format}; only NHWC (channels last) is supported. ` +
        `Re-export the model with channels-last layers (the Keras default).`,
    );
  }
}

type Padding = "same" | "valid" | [[number, number], [number, number], [number, number], [number, number]];

function padding(context: KernelContext): Padding {
  const kind = context.attributes.string("padding");
  if (kind === "SAME") return "same";
  if (kind === "VALID") return "valid";
  if (kind === "EXPLICIT") {
    const [n0, n1, top, bottom, left, right, c0, c1] = context.attributes.intList("explicit_paddings");
    return [
      [n0!, n1!],
      [top!, bottom!],
      [left!, right!],
      [c0!, c1!],
    ];
  }
  throw new Error(`Node "${context.node.name}" (op ${context.node.op}) has padding "${kind}"; expected SAME, VALID or EXPLICIT.`);
}

function pool(
  context: KernelContext,
  operation: (x: tf.Tensor4D, size: [number, number], strides: [number, number], pad: "same" | "valid") => tf.Tensor4D,
): tf.Tensor[] {
  requireChannelsLast(context);
  const [, sizeHeight, sizeWidth] = context.attributes.intList("ksize");
  const [, strideHeight, strideWidth] = context.attributes.intList("strides");
  const kind = context.attributes.string("padding");
  const pad = kind === "SAME" ? "same" : "valid";
  return [operation(inputTensor(context, 0) as tf.Tensor4D, [sizeHeight!, sizeWidth!], [strideHeight!, strideWidth!], pad)];
}

function pool3d(
  context: KernelContext,
  operation: (x: tf.Tensor5D, size: [number, number, number], strides: [number, number, number], pad: "same" | "valid") => tf.Tensor5D,
): tf.Tensor[] {
  requireChannelsLast(context);
  const [, sizeDepth, sizeHeight, sizeWidth] = context.attributes.intList("ksize");
  const [, strideDepth, strideHeight, strideWidth] = context.attributes.intList("strides");
  const pad = context.attributes.string("padding") === "SAME" ? "same" : "valid";
  return [operation(inputTensor(context, 0) as tf.Tensor5D, [sizeDepth!, sizeHeight!, sizeWidth!], [strideDepth!, strideHeight!, strideWidth!], pad)];
}

/** Inference mode only: normalizes with the stored mean and variance. */
function fusedBatchNorm(context: KernelContext): tf.Tensor[] {
  if (context.attributes.bool("is_training", true)) {
    throw new Error(
      `Node "${context.node.name}" (op ${context.node.op}) runs batch normalization in training mode, which needs batch ` +
        `statistics; only inference (is_training=false) is supported. Call the inference signature (e.g. serving_default).`,
    );
  }
  requireChannelsLast(context);
  const [x, scale, offset, mean, variance] = [0, 1, 2, 3, 4].map((index) => inputTensor(context, index)) as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
  ];
  const epsilon = context.attributes.float("epsilon", 0.0001);
  const y = tf.batchNorm(x, mean, variance, offset, scale, epsilon);
  // The remaining outputs (batch statistics, reserve spaces) only matter for training.
  return [y, mean, variance, mean, variance, mean];
}
