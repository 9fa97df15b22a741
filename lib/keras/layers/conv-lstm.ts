/**
 * Python `keras.layers.ConvLSTM1D` and `ConvLSTM3D(filters, kernel_size, ...)`: an LSTM whose gates are
 * convolutions, over sequences of 1D signals `[batch, time, steps, channels]` or of volumes
 * `[batch, time, depth, height, width, channels]` (ConvLSTM2D is tfjs-layers' own). tfjs-layers has
 * only the 2D form, so these are written on the Layer base: per time step,
 * `i, f, o = σ(conv(x, W) + conv(h, U) + b)`, `c = f·c + i·tanh(…)`, `h = o·tanh(c)`, gates in
 * Keras's order i, f, c, o along the kernels' last axis. In `.keras` files the variables are the
 * layer's `cell/vars/0..2` (kernel, recurrent_kernel, bias), as Keras's ConvLSTMCell holds them.
 *
 * @example
 * const layer = new keras.layers.ConvLSTM1D(8, 3, { padding: "same", returnSequences: true });
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type { Initializer } from "@tensorflow/tfjs-layers/dist/initializers.js";
import type { Variable } from "../../tf/variable.js";
import * as activations from "../activations.js";
import { activationNameOf, initializerNameOf } from "./einsum-dense.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { initializerConfig, layerArgsFromConfig, registerWrittenLayer, type Keras3WeightLayout } from "./written-layers.js";

export interface ConvLSTMArgs extends LayerArgs {
  filters?: number;
  kernelSize?: number | number[];
  strides?: number | number[];
  padding?: "valid" | "same";
  /** Only Keras's default, channels_last. */
  dataFormat?: "channels_last";
  dilationRate?: number | number[];
  activation?: string;
  recurrentActivation?: string;
  useBias?: boolean;
  kernelInitializer?: string;
  recurrentInitializer?: string;
  biasInitializer?: string;
  /** The forget gate's bias starts at 1 (Keras's default). */
  unitForgetBias?: boolean;
  returnSequences?: boolean;
  goBackwards?: boolean;
}

type Shape = Array<number | null>;

/** The one ConvLSTM of any rank; ConvLSTM1D and ConvLSTM3D fix the rank. */
abstract class ConvLSTM extends Layer implements Keras3WeightLayout {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: "valid" | "same";
  readonly dilationRate: number[];
  readonly activationName: string;
  readonly recurrentActivationName: string;
  readonly useBias: boolean;
  readonly kernelInitializerName: string;
  readonly recurrentInitializerName: string;
  readonly biasInitializerName: string;
  readonly unitForgetBias: boolean;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  kernel?: Variable;
  recurrentKernel?: Variable;
  bias?: Variable;

  protected constructor(className: string, rank: number, args: unknown[]) {
    const options = optionsFromArguments(className, ["filters", "kernelSize"], args) as ConvLSTMArgs & {
      returnState?: boolean;
      dropout?: number;
      recurrentDropout?: number;
      stateful?: boolean;
    };
    const {
      filters,
      kernelSize,
      strides = 1,
      padding = "valid",
      dataFormat = "channels_last",
      dilationRate = 1,
      activation = "tanh",
      recurrentActivation = "sigmoid",
      useBias = true,
      kernelInitializer = "glorot_uniform",
      recurrentInitializer = "orthogonal",
      biasInitializer = "zeros",
      unitForgetBias = true,
      returnSequences = false,
      goBackwards = false,
      returnState = false,
      dropout = 0,
      recurrentDropout = 0,
      stateful = false,
      ...rest
    } = options;
    if (!filters || kernelSize === undefined) throw new Error(`${className} needs filters and a kernel size, e.g. new keras.layers.${className}(8, 3).`);
    const unsupported = [
      ["dataFormat", dataFormat !== "channels_last"],
      ["returnState", returnState],
      ["dropout", dropout !== 0],
      ["recurrentDropout", recurrentDropout !== 0],
      ["stateful", stateful],
    ]
      .filter(([, given]) => given)
      .map(([key]) => key);
    if (unsupported.length > 0) throw new Error(`${className}: ${unsupported.join(", ")} other than Keras's defaults is not supported yet.`);
    super(rest);
    const perAxis = (value: number | number[]) => (typeof value === "number" ? Array.from({ length: rank }, () => value) : [...value]);
    this.rank = rank;
    this.filters = filters;
    this.kernelSize = perAxis(kernelSize);
    this.strides = perAxis(strides);
    this.padding = padding;
    this.dilationRate = perAxis(dilationRate);
    this.activationName = activation;
    this.recurrentActivationName = recurrentActivation;
    this.useBias = useBias;
    this.kernelInitializerName = kernelInitializer;
    this.recurrentInitializerName = recurrentInitializer;
    this.biasInitializerName = biasInitializer;
    this.unitForgetBias = unitForgetBias;
    this.returnSequences = returnSequences;
    this.goBackwards = goBackwards;
  }

  override build(inputShape: tfl.Shape): void {
    const shape = inputShape as Shape;
    if (shape.length !== this.rank + 3)
      throw new Error(
        `${this.getClassName()} takes [batch, time, ${this.rank === 1 ? "steps" : "depth, height, width"}, channels] inputs; got [${shape.join(", ")}].`,
      );
    const channels = shape.at(-1)!;
    this.kernel = this.addWeight({ name: "kernel", shape: [...this.kernelSize, channels, 4 * this.filters], initializer: this.kernelInitializerName });
    // tfjs's orthogonal initializer takes matrices; the recurrent kernel is made as one and reshaped, as Keras flattens it.
    const recurrentShape = [...this.kernelSize, this.filters, 4 * this.filters];
    const recurrentInitializer = this.recurrentInitializerName === "orthogonal" ? orthogonalOf(recurrentShape) : this.recurrentInitializerName;
    this.recurrentKernel = this.addWeight({ name: "recurrent_kernel", shape: recurrentShape, initializer: recurrentInitializer });
    if (this.useBias) {
      const unitForget = this.unitForgetBias ? forgetBiasInitializer(this.filters) : this.biasInitializerName;
      this.bias = this.addWeight({ name: "bias", shape: [4 * this.filters], initializer: unitForget });
    }
  }

  private convolve(x: tfc.Tensor, kernel: tfc.Tensor, strides: number[], padding: "valid" | "same", dilation: number[]): tfc.Tensor {
    if (this.rank === 1) return tfc.conv1d(x as tfc.Tensor3D, kernel as tfc.Tensor3D, strides[0]!, padding, "NWC", dilation[0]!);
    if (this.rank === 2)
      return tfc.conv2d(x as tfc.Tensor4D, kernel as tfc.Tensor4D, strides as [number, number], padding, "NHWC", dilation as [number, number]);
    return tfc.conv3d(x as tfc.Tensor5D, kernel as tfc.Tensor5D, strides as [number, number, number], padding, "NDHWC", dilation as [number, number, number]);
  }

  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const activation = activations.get(this.activationName);
      const recurrentActivation = activations.get(this.recurrentActivationName);
      const kernels = tfc.split(this.kernel!.read(), 4, this.rank + 1);
      const recurrentKernels = tfc.split(this.recurrentKernel!.read(), 4, this.rank + 1);
      const biases = this.bias ? tfc.split(this.bias.read(), 4) : undefined;
      const ones = this.kernelSize.map(() => 1);
      const gate = (x: tfc.Tensor, h: tfc.Tensor | undefined, index: number) => {
        let value = this.convolve(x, kernels[index]!, this.strides, this.padding, this.dilationRate);
        if (biases) value = tfc.add(value, biases[index]!);
        return h ? tfc.add(value, this.convolve(h, recurrentKernels[index]!, ones, "same", ones)) : value;
      };
      // A copy: tfjs's tape keeps unstack's output array, so reversing it in place would pair gradients with the wrong steps.
      const steps = [...tfc.unstack(inputs, 1)];
      if (this.goBackwards) steps.reverse();
      let h: tfc.Tensor | undefined;
      let c: tfc.Tensor | undefined;
      const outputs: tfc.Tensor[] = [];
      for (const x of steps) {
        // The initial state is zeros, whose recurrent convolutions are zero: the first step has the input terms only.
        const i = recurrentActivation(gate(x, h, 0));
        const f = recurrentActivation(gate(x, h, 1));
        const candidate = tfc.mul(i, activation(gate(x, h, 2)));
        c = c ? tfc.add(tfc.mul(f, c), candidate) : candidate;
        const o = recurrentActivation(gate(x, h, 3));
        h = tfc.mul(o, activation(c));
        outputs.push(h);
      }
      return this.returnSequences ? tfc.stack(outputs, 1) : h!;
    });
  }

  override computeOutputShape(inputShape: tfl.Shape): tfl.Shape {
    const shape = inputShape as Shape;
    const spatial = shape.slice(2, 2 + this.rank).map((size, axis) => {
      if (size === null) return null;
      const extent = (this.kernelSize[axis]! - 1) * this.dilationRate[axis]! + 1;
      return this.padding === "same" ? Math.ceil(size / this.strides[axis]!) : Math.floor((size - extent) / this.strides[axis]!) + 1;
    });
    return [shape[0]!, ...(this.returnSequences ? [shape[1]!] : []), ...spatial, this.filters] as tfl.Shape;
  }

  keras3WeightPaths(): { weights: string[]; emptyGroups: string[] } {
    return { weights: this.weights.map((_weight, index) => `cell/vars/${index}`), emptyGroups: [] };
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      return_sequences: this.returnSequences,
      return_state: false,
      go_backwards: this.goBackwards,
      stateful: false,
      unroll: false,
      zero_output_for_mask: false,
      filters: this.filters,
      kernel_size: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      data_format: "channels_last",
      dilation_rate: this.dilationRate,
      activation: this.activationName,
      recurrent_activation: this.recurrentActivationName,
      use_bias: this.useBias,
      kernel_initializer: namedInitializer(this.kernelInitializerName),
      recurrent_initializer: namedInitializer(this.recurrentInitializerName),
      bias_initializer: namedInitializer(this.biasInitializerName),
      unit_forget_bias: this.unitForgetBias,
      kernel_regularizer: null,
      recurrent_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      recurrent_constraint: null,
      bias_constraint: null,
      dropout: 0,
      recurrent_dropout: 0,
      seed: null,
    };
  }

  /** The constructor options a Keras config describes. */
  protected static optionsFromConfig(config: Record<string, unknown>): ConvLSTMArgs & Record<string, unknown> {
    return {
      ...layerArgsFromConfig(config),
      filters: config["filters"] as number,
      kernelSize: config["kernel_size"] as number[],
      strides: (config["strides"] as number[] | undefined) ?? 1,
      padding: (config["padding"] as "valid" | "same" | undefined) ?? "valid",
      dataFormat: (config["data_format"] as "channels_last" | null | undefined) ?? "channels_last",
      dilationRate: (config["dilation_rate"] as number[] | undefined) ?? 1,
      activation: activationNameOf(config["activation"] ?? "tanh"),
      recurrentActivation: activationNameOf(config["recurrent_activation"] ?? "sigmoid"),
      useBias: (config["use_bias"] as boolean | undefined) ?? true,
      kernelInitializer: initializerNameOf(config["kernel_initializer"], "glorot_uniform"),
      recurrentInitializer: initializerNameOf(config["recurrent_initializer"], "orthogonal"),
      biasInitializer: initializerNameOf(config["bias_initializer"], "zeros"),
      unitForgetBias: (config["unit_forget_bias"] as boolean | undefined) ?? true,
      returnSequences: (config["return_sequences"] as boolean | undefined) ?? false,
      goBackwards: (config["go_backwards"] as boolean | undefined) ?? false,
      returnState: (config["return_state"] as boolean | undefined) ?? false,
      stateful: (config["stateful"] as boolean | undefined) ?? false,
      dropout: (config["dropout"] as number | undefined) ?? 0,
      recurrentDropout: (config["recurrent_dropout"] as number | undefined) ?? 0,
    };
  }
}

/** `{class_name, config}` for an initializer name, in Keras's spelling. */
function namedInitializer(name: string): tfc.serialization.ConfigDict {
  if (name === "orthogonal") return { class_name: "Orthogonal", config: { seed: null, gain: 1 } };
  if (name === "glorot_uniform") return initializerConfig("GlorotUniform");
  if (name === "zeros" || name === "ones") return initializerConfig(name === "zeros" ? "Zeros" : "Ones");
  return { class_name: name.replace(/(^|_)([a-z])/g, (_match, _underscore: string, letter: string) => letter.toUpperCase()), config: { seed: null } };
}

/** Keras's orthogonal initializer for a kernel of any rank: an orthogonal [product of leading axes, last axis] matrix, reshaped. */
function orthogonalOf(shape: number[]): Initializer {
  const orthogonal = tfl.initializers.orthogonal({ gain: 1 });
  const rows = shape.slice(0, -1).reduce((product, size) => product * size, 1);
  return {
    apply: (requested: number[], dtype?: tfc.DataType) => tfc.tidy(() => tfc.reshape(orthogonal.apply([rows, requested.at(-1)!], dtype), requested)),
  } as unknown as Initializer;
}

/** Bias with the forget gate's quarter at one (Keras's `unit_forget_bias`). */
function forgetBiasInitializer(filters: number): Initializer {
  return { apply: () => tfc.concat([tfc.zeros([filters]), tfc.ones([filters]), tfc.zeros([2 * filters])]) } as unknown as Initializer;
}

/** Python `ConvLSTM1D(filters, kernel_size, **kwargs)`: inputs `[batch, time, steps, channels]`. */
export class ConvLSTM1D extends ConvLSTM {
  static readonly className = "ConvLSTM1D";
  constructor(filters: number, kernelSize: number | number[], options?: ConvLSTMArgs);
  constructor(options: ConvLSTMArgs);
  constructor(...args: unknown[]) {
    super("ConvLSTM1D", 1, args);
  }
  static override fromConfig(config: Record<string, unknown>): ConvLSTM1D {
    return new ConvLSTM1D(ConvLSTM.optionsFromConfig(config));
  }
}
registerWrittenLayer(ConvLSTM1D);

/** Python `ConvLSTM3D(filters, kernel_size, **kwargs)`: inputs `[batch, time, depth, height, width, channels]`. */
export class ConvLSTM3D extends ConvLSTM {
  static readonly className = "ConvLSTM3D";
  constructor(filters: number, kernelSize: number | number[], options?: ConvLSTMArgs);
  constructor(options: ConvLSTMArgs);
  constructor(...args: unknown[]) {
    super("ConvLSTM3D", 3, args);
  }
  static override fromConfig(config: Record<string, unknown>): ConvLSTM3D {
    return new ConvLSTM3D(ConvLSTM.optionsFromConfig(config));
  }
}
registerWrittenLayer(ConvLSTM3D);
