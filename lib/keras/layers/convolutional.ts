/** Keras's convolution layers backed by tfjs-layers, with Keras's `glorot_uniform` kernels. */
import type {
  Conv1D as TfConv1D,
  Conv2DTranspose as TfConv2DTranspose,
  Conv3D as TfConv3D,
  Conv3DTranspose as TfConv3DTranspose,
  ConvLayerArgs,
  SeparableConv2D as TfSeparableConv2D,
  SeparableConvLayerArgs,
} from "@tensorflow/tfjs-layers/dist/layers/convolutional.js";
import type { DepthwiseConv2D as TfDepthwiseConv2D, DepthwiseConv2DLayerArgs } from "@tensorflow/tfjs-layers/dist/layers/convolutional_depthwise.js";
import type { WithActivationFunctions } from "./function-activation.js";
import { kerasLayerClass } from "./keras-layer-class.js";

type KernelSize = number | number[];
type ConvArgs = WithActivationFunctions<ConvLayerArgs>;
const kerasConvDefaults = { kernelInitializer: "glorotUniform", biasInitializer: "zeros" };

/** Python `Conv1D(filters, kernel_size, **kwargs)`. */
export const Conv1D = kerasLayerClass<typeof TfConv1D, ConvArgs, [filters: number, kernelSize: KernelSize]>(
  "Conv1D",
  ["filters", "kernelSize"],
  kerasConvDefaults,
  ["filters", "kernelSize"],
);
export type Conv1D = InstanceType<typeof Conv1D>;
/** Python `Conv3D(filters, kernel_size, **kwargs)`. */
export const Conv3D = kerasLayerClass<typeof TfConv3D, ConvArgs, [filters: number, kernelSize: KernelSize]>(
  "Conv3D",
  ["filters", "kernelSize"],
  kerasConvDefaults,
  ["filters", "kernelSize"],
);
export type Conv3D = InstanceType<typeof Conv3D>;
/** Python `Conv2DTranspose(filters, kernel_size, **kwargs)`. */
export const Conv2DTranspose = kerasLayerClass<typeof TfConv2DTranspose, ConvArgs, [filters: number, kernelSize: KernelSize]>(
  "Conv2DTranspose",
  ["filters", "kernelSize"],
  kerasConvDefaults,
  ["filters", "kernelSize"],
);
export type Conv2DTranspose = InstanceType<typeof Conv2DTranspose>;
/** Python `Conv3DTranspose(filters, kernel_size, **kwargs)`. */
export const Conv3DTranspose = kerasLayerClass<typeof TfConv3DTranspose, ConvArgs, [filters: number, kernelSize: KernelSize]>(
  "Conv3DTranspose",
  ["filters", "kernelSize"],
  kerasConvDefaults,
  ["filters", "kernelSize"],
);
export type Conv3DTranspose = InstanceType<typeof Conv3DTranspose>;
/** Python `SeparableConv2D(filters, kernel_size, **kwargs)`. */
export const SeparableConv2D = kerasLayerClass<
  typeof TfSeparableConv2D,
  WithActivationFunctions<SeparableConvLayerArgs>,
  [filters: number, kernelSize: KernelSize]
>("SeparableConv2D", ["filters", "kernelSize"], { depthwiseInitializer: "glorotUniform", pointwiseInitializer: "glorotUniform" }, ["filters", "kernelSize"]);
export type SeparableConv2D = InstanceType<typeof SeparableConv2D>;
/** Python `DepthwiseConv2D(kernel_size, **kwargs)`. */
export const DepthwiseConv2D = kerasLayerClass<typeof TfDepthwiseConv2D, WithActivationFunctions<DepthwiseConv2DLayerArgs>, [kernelSize: KernelSize]>(
  "DepthwiseConv2D",
  ["kernelSize"],
  { depthwiseInitializer: "glorotUniform" },
  ["kernelSize"],
);
export type DepthwiseConv2D = InstanceType<typeof DepthwiseConv2D>;

/** Keras's other names for the same classes. */
export {
  Conv1D as Convolution1D,
  Conv3D as Convolution3D,
  Conv2DTranspose as Convolution2DTranspose,
  Conv3DTranspose as Convolution3DTranspose,
  SeparableConv2D as SeparableConvolution2D,
};
