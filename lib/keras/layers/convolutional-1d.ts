/**
 * Keras's 1D convolutions tfjs-layers lacks — `Conv1DTranspose`, `SeparableConv1D`,
 * `DepthwiseConv1D` — written as the 2D ops on a height-1 image, with Keras's weight names, shapes
 * and order (kernel before bias) and Keras's config keys. Channels-last data, no regularizers or
 * constraints yet (a clear error says so).
 *
 * @example
 * new keras.layers.Conv1DTranspose(8, 3, { strides: 2, padding: "same" });
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import { get as activationByName } from "../activations.js";
import { snakeCase } from "../../util/naming.js";
import type { Variable } from "../../tf/variable.js";
import { dataFormatOf } from "./spatial-arguments.js";
import type { ActivationFunction } from "./function-activation.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

type Size = number | [number];
/** A Keras initializer name (`"glorot_uniform"`, `"zeros"`, `"he_normal"`...). */
type InitializerName = string;

interface Conv1DCommonArgs extends LayerArgs {
  kernelSize?: Size;
  strides?: Size;
  padding?: "valid" | "same";
  dataFormat?: "channels_last";
  dilationRate?: Size;
  activation?: string | ActivationFunction | null;
  useBias?: boolean;
  biasInitializer?: InitializerName;
}
export interface Conv1DTransposeArgs extends Conv1DCommonArgs {
  filters?: number;
  outputPadding?: Size | null;
  kernelInitializer?: InitializerName;
}
export interface SeparableConv1DArgs extends Conv1DCommonArgs {
  filters?: number;
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerName;
  pointwiseInitializer?: InitializerName;
}
export interface DepthwiseConv1DArgs extends Conv1DCommonArgs {
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerName;
}

function single(value: Size | null | undefined, fallback: number, what: string): number {
  const result = value === null || value === undefined ? fallback : Array.isArray(value) ? value[0] : value;
  if (!Number.isInteger(result) || result! < 1) throw new Error(`${what} must be a positive integer (or [n]), got ${JSON.stringify(value)}.`);
  return result!;
}

/** Keras's `{class_name, config}` for an initializer name. */
function initializerConfig(name: InitializerName): tfc.serialization.ConfigDict {
  const className = name.replace(/(^|_)([a-z])/g, (_match, _separator: string, letter: string) => letter.toUpperCase());
  return { class_name: className, config: ["Zeros", "Ones"].includes(className) ? {} : { seed: null } };
}

/** The initializer name of a Keras config entry (a `{class_name}` object or a name). */
function initializerName(value: unknown, fallback: InitializerName): InitializerName {
  if (value === null || value === undefined) return fallback;
  if (typeof value === "string") return snakeCase(value);
  const className = (value as { class_name?: unknown }).class_name;
  if (typeof className !== "string") throw new Error(`Unreadable initializer in a layer config: ${JSON.stringify(value)}.`);
  return snakeCase(className);
}

const noRegularizers = [
  "kernel_regularizer",
  "bias_regularizer",
  "activity_regularizer",
  "kernel_constraint",
  "bias_constraint",
  "depthwise_regularizer",
  "pointwise_regularizer",
  "depthwise_constraint",
  "pointwise_constraint",
];

abstract class Conv1DBase extends Layer {
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: "valid" | "same";
  readonly dilationRate: number;
  readonly activationName: string;
  readonly useBias: boolean;
  readonly biasInitializer: InitializerName;
  protected readonly activationFunction: ActivationFunction;
  bias?: Variable;

  constructor(className: string, options: Conv1DCommonArgs) {
    const { kernelSize, strides, padding = "valid", dataFormat, dilationRate, activation, useBias = true, biasInitializer = "zeros", ...rest } = options;
    if (kernelSize === undefined)
      throw new Error(`${className} needs a kernel size, e.g. new keras.layers.${className}(${className === "DepthwiseConv1D" ? "3" : "8, 3"}).`);
    super(rest);
    dataFormatOf(dataFormat, className);
    if (dataFormat === ("channels_first" as string)) throw new Error(`${className} with data_format="channels_first" is not supported yet; use channels_last.`);
    if (padding !== "valid" && padding !== "same") throw new Error(`${className} padding must be "valid" or "same", got ${JSON.stringify(padding)}.`);
    this.kernelSize = single(kernelSize, 1, `${className} kernel_size`);
    this.strides = single(strides, 1, `${className} strides`);
    this.padding = padding;
    this.dilationRate = single(dilationRate, 1, `${className} dilation_rate`);
    if (this.strides > 1 && this.dilationRate > 1)
      throw new Error(`${className}: strides > 1 together with dilation_rate > 1 is not supported (Keras refuses it too).`);
    if (typeof activation === "function") {
      this.activationFunction = activation;
      this.activationName = activation.name;
    } else {
      this.activationName = activation ?? "linear";
      this.activationFunction = activationByName(this.activationName);
    }
    this.useBias = useBias;
    this.biasInitializer = biasInitializer;
  }

  protected addBias(channels: number): void {
    if (this.useBias) this.bias = this.addWeight({ name: "bias", shape: [channels], initializer: this.biasInitializer });
  }

  protected finish(output: tfc.Tensor): tfc.Tensor {
    const biased = this.bias ? tfc.add(output, this.bias.read()) : output;
    return this.activationFunction(biased);
  }

  override getConfig(): tfc.serialization.ConfigDict {
    const config: tfc.serialization.ConfigDict = {
      ...super.getConfig(),
      kernel_size: [this.kernelSize],
      strides: [this.strides],
      padding: this.padding,
      data_format: "channels_last",
      dilation_rate: [this.dilationRate],
      activation: this.activationName,
      use_bias: this.useBias,
      bias_initializer: initializerConfig(this.biasInitializer),
      bias_regularizer: null,
      activity_regularizer: null,
      bias_constraint: null,
    };
    return config;
  }
}

/** The common constructor options of a Keras config (regularizers and constraints must be null). */
function commonFromConfig(className: string, config: Record<string, unknown>): Conv1DCommonArgs {
  const set = noRegularizers.filter((key) => config[key] !== null && config[key] !== undefined);
  if (set.length > 0)
    throw new Error(`${className}: ${set.join(", ")} ${set.length === 1 ? "is" : "are"} not supported yet by tskeras; save the layer without them.`);
  return {
    ...layerArgsFromConfig(config),
    kernelSize: config["kernel_size"] as Size,
    strides: config["strides"] as Size,
    padding: config["padding"] as "valid" | "same",
    dataFormat: (config["data_format"] ?? undefined) as "channels_last" | undefined,
    dilationRate: config["dilation_rate"] as Size,
    activation: typeof config["activation"] === "string" ? config["activation"] : "linear",
    useBias: config["use_bias"] as boolean | undefined,
    biasInitializer: initializerName(config["bias_initializer"], "zeros"),
  };
}

/** Output length of a transposed convolution, as Keras computes it (`compute_conv_transpose_output_shape`). */
function transposedLength(length: number, kernel: number, stride: number, padding: "valid" | "same", outputPadding: number | null, dilation: number): number {
  const span = kernel + (kernel - 1) * (dilation - 1);
  if (outputPadding === null) return padding === "valid" ? length * stride + Math.max(span - stride, 0) : length * stride;
  const pad = padding === "same" ? Math.floor(span / 2) : 0;
  return (length - 1) * stride + span - 2 * pad + outputPadding;
}

/** Python `Conv1DTranspose(filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None, dilation_rate=1, activation=None, use_bias=True, ...)`. */
export class Conv1DTranspose extends Conv1DBase {
  static readonly className = "Conv1DTranspose";
  readonly filters: number;
  readonly outputPadding: number | null;
  readonly kernelInitializer: InitializerName;
  kernel?: Variable;
  constructor(filters: number, kernelSize: Size, options?: Omit<Conv1DTransposeArgs, "filters" | "kernelSize">);
  constructor(options: Conv1DTransposeArgs);
  constructor(...args: unknown[]) {
    const {
      filters,
      outputPadding = null,
      kernelInitializer = "glorot_uniform",
      ...rest
    } = optionsFromArguments("Conv1DTranspose", ["filters", "kernelSize"], args) as Conv1DTransposeArgs;
    if (filters === undefined) throw new Error("Conv1DTranspose needs filters and a kernel size, e.g. new keras.layers.Conv1DTranspose(8, 3).");
    super("Conv1DTranspose", rest);
    this.filters = filters;
    this.outputPadding = outputPadding === null ? null : Array.isArray(outputPadding) ? outputPadding[0] : outputPadding;
    if (this.dilationRate !== 1) throw new Error("Conv1DTranspose with dilation_rate > 1 is not supported yet.");
    this.kernelInitializer = kernelInitializer;
  }
  override build(inputShape: Array<number | null>): void {
    // Keras's transposed kernel: [kernel_size, filters, input_channels].
    this.kernel = this.addWeight({
      name: "kernel",
      shape: [this.kernelSize, this.filters, inputShape[inputShape.length - 1]!],
      initializer: this.kernelInitializer,
    });
    this.addBias(this.filters);
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const [batch, length] = inputs.shape as [number, number, number];
      const outputLength = transposedLength(length, this.kernelSize, this.strides, this.padding, this.outputPadding, this.dilationRate);
      const image = tfc.expandDims(inputs, 1) as tfc.Tensor4D;
      const filter = tfc.expandDims(this.kernel!.read(), 0) as tfc.Tensor4D;
      const output = tfc.conv2dTranspose(image, filter, [batch, 1, outputLength, this.filters], [1, this.strides], this.padding);
      return this.finish(tfc.squeeze(output, [1]));
    });
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    const length = shape[1];
    return [
      shape[0]!,
      length == null ? null : transposedLength(length, this.kernelSize, this.strides, this.padding, this.outputPadding, this.dilationRate),
      this.filters,
    ];
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      output_padding: this.outputPadding === null ? null : [this.outputPadding],
      kernel_initializer: initializerConfig(this.kernelInitializer),
      kernel_regularizer: null,
      kernel_constraint: null,
    };
  }
  static override fromConfig(config: Record<string, unknown>): Conv1DTranspose {
    const outputPadding = config["output_padding"] as Size | null | undefined;
    return new Conv1DTranspose({
      ...commonFromConfig("Conv1DTranspose", config),
      filters: config["filters"] as number,
      outputPadding: outputPadding ?? null,
      kernelInitializer: initializerName(config["kernel_initializer"], "glorot_uniform"),
    });
  }
}

/** Python `SeparableConv1D(filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True, ...)`. */
export class SeparableConv1D extends Conv1DBase {
  static readonly className = "SeparableConv1D";
  readonly filters: number;
  readonly depthMultiplier: number;
  readonly depthwiseInitializer: InitializerName;
  readonly pointwiseInitializer: InitializerName;
  depthwiseKernel?: Variable;
  pointwiseKernel?: Variable;
  constructor(filters: number, kernelSize: Size, options?: Omit<SeparableConv1DArgs, "filters" | "kernelSize">);
  constructor(options: SeparableConv1DArgs);
  constructor(...args: unknown[]) {
    const {
      filters,
      depthMultiplier = 1,
      depthwiseInitializer = "glorot_uniform",
      pointwiseInitializer = "glorot_uniform",
      ...rest
    } = optionsFromArguments("SeparableConv1D", ["filters", "kernelSize"], args) as SeparableConv1DArgs;
    if (filters === undefined) throw new Error("SeparableConv1D needs filters and a kernel size, e.g. new keras.layers.SeparableConv1D(8, 3).");
    super("SeparableConv1D", rest);
    this.filters = filters;
    this.depthMultiplier = depthMultiplier;
    this.depthwiseInitializer = depthwiseInitializer;
    this.pointwiseInitializer = pointwiseInitializer;
  }
  override build(inputShape: Array<number | null>): void {
    const channels = inputShape[inputShape.length - 1]!;
    this.depthwiseKernel = this.addWeight({
      name: "depthwise_kernel",
      shape: [this.kernelSize, channels, this.depthMultiplier],
      initializer: this.depthwiseInitializer,
    });
    this.pointwiseKernel = this.addWeight({
      name: "pointwise_kernel",
      shape: [1, channels * this.depthMultiplier, this.filters],
      initializer: this.pointwiseInitializer,
    });
    this.addBias(this.filters);
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const image = tfc.expandDims(inputs, 1) as tfc.Tensor4D;
      const depthwise = tfc.expandDims(this.depthwiseKernel!.read(), 0) as tfc.Tensor4D;
      const pointwise = tfc.expandDims(this.pointwiseKernel!.read(), 0) as tfc.Tensor4D;
      const output = tfc.separableConv2d(image, depthwise, pointwise, [1, this.strides], this.padding, [1, this.dilationRate]);
      return this.finish(tfc.squeeze(output, [1]));
    });
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      depth_multiplier: this.depthMultiplier,
      depthwise_initializer: initializerConfig(this.depthwiseInitializer),
      pointwise_initializer: initializerConfig(this.pointwiseInitializer),
      depthwise_regularizer: null,
      pointwise_regularizer: null,
      depthwise_constraint: null,
      pointwise_constraint: null,
    };
  }
  static override fromConfig(config: Record<string, unknown>): SeparableConv1D {
    return new SeparableConv1D({
      ...commonFromConfig("SeparableConv1D", config),
      filters: config["filters"] as number,
      depthMultiplier: (config["depth_multiplier"] ?? 1) as number,
      depthwiseInitializer: initializerName(config["depthwise_initializer"], "glorot_uniform"),
      pointwiseInitializer: initializerName(config["pointwise_initializer"], "glorot_uniform"),
    });
  }
}

/** Python `DepthwiseConv1D(kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None, dilation_rate=1, activation=None, use_bias=True, ...)`. */
export class DepthwiseConv1D extends Conv1DBase {
  static readonly className = "DepthwiseConv1D";
  readonly depthMultiplier: number;
  readonly depthwiseInitializer: InitializerName;
  kernel?: Variable;
  constructor(kernelSize: Size, options?: Omit<DepthwiseConv1DArgs, "kernelSize">);
  constructor(options: DepthwiseConv1DArgs);
  constructor(...args: unknown[]) {
    const {
      depthMultiplier = 1,
      depthwiseInitializer = "glorot_uniform",
      ...rest
    } = optionsFromArguments("DepthwiseConv1D", ["kernelSize"], args) as DepthwiseConv1DArgs;
    super("DepthwiseConv1D", rest);
    this.depthMultiplier = depthMultiplier;
    this.depthwiseInitializer = depthwiseInitializer;
  }
  override build(inputShape: Array<number | null>): void {
    const channels = inputShape[inputShape.length - 1]!;
    // Keras names the depthwise kernel "kernel" here: [kernel_size, channels, depth_multiplier].
    this.kernel = this.addWeight({ name: "kernel", shape: [this.kernelSize, channels, this.depthMultiplier], initializer: this.depthwiseInitializer });
    this.addBias(channels * this.depthMultiplier);
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const image = tfc.expandDims(inputs, 1) as tfc.Tensor4D;
      const filter = tfc.expandDims(this.kernel!.read(), 0) as tfc.Tensor4D;
      const output = tfc.depthwiseConv2d(image, filter, [1, this.strides], this.padding, "NHWC", [1, this.dilationRate]);
      return this.finish(tfc.squeeze(output, [1]));
    });
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      depth_multiplier: this.depthMultiplier,
      depthwise_initializer: initializerConfig(this.depthwiseInitializer),
      depthwise_regularizer: null,
      depthwise_constraint: null,
    };
  }
  static override fromConfig(config: Record<string, unknown>): DepthwiseConv1D {
    return new DepthwiseConv1D({
      ...commonFromConfig("DepthwiseConv1D", config),
      depthMultiplier: (config["depth_multiplier"] ?? 1) as number,
      depthwiseInitializer: initializerName(config["depthwise_initializer"], "glorot_uniform"),
    });
  }
}

for (const cls of [Conv1DTranspose, SeparableConv1D, DepthwiseConv1D]) registerWrittenLayer(cls);
/** Keras's other names for the same classes. */
export { Conv1DTranspose as Convolution1DTranspose, SeparableConv1D as SeparableConvolution1D };
