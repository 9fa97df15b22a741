/**
 * Keras's reshaping layers: tfjs-layers's `RepeatVector`, `Permute`, `ZeroPadding2D`, `Cropping2D`,
 * `UpSampling2D`, and the 1D forms tfjs lacks (`Cropping1D`, `UpSampling1D`, `ZeroPadding1D`), written here.
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type {
  Cropping2D as TfCropping2D,
  Cropping2DLayerArgs,
  UpSampling2D as TfUpSampling2D,
  UpSampling2DLayerArgs,
} from "@tensorflow/tfjs-layers/dist/layers/convolutional.js";
import type {
  Permute as TfPermute,
  PermuteLayerArgs,
  RepeatVector as TfRepeatVector,
  RepeatVectorLayerArgs,
} from "@tensorflow/tfjs-layers/dist/layers/core.js";
import type { ZeroPadding2D as TfZeroPadding2D, ZeroPadding2DLayerArgs } from "@tensorflow/tfjs-layers/dist/layers/padding.js";
import { kerasLayerClass, optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

/** Python `RepeatVector(n, **kwargs)`. */
export const RepeatVector = kerasLayerClass<typeof TfRepeatVector, RepeatVectorLayerArgs, [n: number]>("RepeatVector", ["n"], {}, ["n"]);
export type RepeatVector = InstanceType<typeof RepeatVector>;
/** Python `Permute(dims, **kwargs)`. */
export const Permute = kerasLayerClass<typeof TfPermute, PermuteLayerArgs, [dims: number[]]>("Permute", ["dims"], {}, ["dims"]);
export type Permute = InstanceType<typeof Permute>;
/** Python `ZeroPadding2D(padding=(1, 1), **kwargs)`. */
export const ZeroPadding2D = kerasLayerClass<typeof TfZeroPadding2D, ZeroPadding2DLayerArgs, [padding: ZeroPadding2DLayerArgs["padding"]]>("ZeroPadding2D", [
  "padding",
]);
export type ZeroPadding2D = InstanceType<typeof ZeroPadding2D>;
/** Python `Cropping2D(cropping=((0, 0), (0, 0)), **kwargs)`. */
export const Cropping2D = kerasLayerClass<typeof TfCropping2D, Cropping2DLayerArgs, [cropping: Cropping2DLayerArgs["cropping"]]>("Cropping2D", ["cropping"], {
  cropping: [
    [0, 0],
    [0, 0],
  ],
});
export type Cropping2D = InstanceType<typeof Cropping2D>;
const UpSampling2DBase = kerasLayerClass<typeof TfUpSampling2D, UpSampling2DLayerArgs, [size: number | number[]]>("UpSampling2D", ["size"]);
/** Python `UpSampling2D(size=(2, 2), **kwargs)`; an int size means (size, size), as in Keras (tfjs reads only a pair). */
export class UpSampling2D extends UpSampling2DBase {
  constructor(size?: number | number[], options?: Partial<UpSampling2DLayerArgs>);
  constructor(options?: Omit<UpSampling2DLayerArgs, "size"> & { size?: number | number[] });
  constructor(...args: unknown[]) {
    const options = optionsFromArguments("UpSampling2D", ["size"], args) as { size?: number | number[] };
    if (typeof options.size === "number") options.size = [options.size, options.size];
    super(options as UpSampling2DLayerArgs);
  }
}

/** A Keras `int or (int, int)` pair. */
function pair(value: number | [number, number] | number[], what: string): [number, number] {
  const result = typeof value === "number" ? [value, value] : value;
  if (result.length !== 2 || result.some((item) => !Number.isInteger(item) || item < 0)) {
    throw new Error(`${what} must be a non-negative integer or a pair [before, after] of them, got ${JSON.stringify(value)}.`);
  }
  return [result[0]!, result[1]!];
}

export interface Cropping1DArgs extends LayerArgs {
  cropping?: number | [number, number];
}
/** Python `Cropping1D(cropping=(1, 1), **kwargs)`: drops steps at the start and end of axis 1. */
export class Cropping1D extends Layer {
  static readonly className = "Cropping1D";
  readonly cropping: [number, number];
  constructor(cropping?: number | [number, number], options?: Cropping1DArgs);
  constructor(options?: Cropping1DArgs);
  constructor(...args: unknown[]) {
    const { cropping = [1, 1], ...rest } = optionsFromArguments("Cropping1D", ["cropping"], args) as Cropping1DArgs;
    super(rest);
    this.cropping = pair(cropping, "Cropping1D cropping");
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    const [start, end] = this.cropping;
    return tfc.slice(inputs, [0, start, 0], [-1, inputs.shape[1]! - start - end, -1]);
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    return [shape[0]!, shape[1] == null ? null : shape[1] - this.cropping[0] - this.cropping[1], shape[2]!];
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), cropping: [...this.cropping] };
  }
  static override fromConfig(config: Record<string, unknown>): Cropping1D {
    return new Cropping1D({ ...layerArgsFromConfig(config), cropping: config["cropping"] as [number, number] });
  }
}
registerWrittenLayer(Cropping1D);

export interface UpSampling1DArgs extends LayerArgs {
  size?: number;
}
/** Python `UpSampling1D(size=2, **kwargs)`: repeats each step `size` times along axis 1. */
export class UpSampling1D extends Layer {
  static readonly className = "UpSampling1D";
  readonly size: number;
  constructor(size?: number, options?: UpSampling1DArgs);
  constructor(options?: UpSampling1DArgs);
  constructor(...args: unknown[]) {
    const { size = 2, ...rest } = optionsFromArguments("UpSampling1D", ["size"], args) as UpSampling1DArgs;
    super(rest);
    this.size = size;
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    const [batch, steps, channels] = inputs.shape as [number, number, number];
    // [b, t, c] → [b, t, 1, c] → tile → [b, t·size, c]: each step repeated in place.
    return tfc.reshape(tfc.tile(tfc.expandDims(inputs, 2), [1, 1, this.size, 1]), [batch, steps * this.size, channels]);
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    return [shape[0]!, shape[1] == null ? null : shape[1] * this.size, shape[2]!];
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size };
  }
  static override fromConfig(config: Record<string, unknown>): UpSampling1D {
    return new UpSampling1D({ ...layerArgsFromConfig(config), size: config["size"] as number });
  }
}
registerWrittenLayer(UpSampling1D);

export interface ZeroPadding1DArgs extends LayerArgs {
  padding?: number | [number, number];
}
/** Python `ZeroPadding1D(padding=1, **kwargs)`: zeros before and after axis 1. */
export class ZeroPadding1D extends Layer {
  static readonly className = "ZeroPadding1D";
  readonly padding: [number, number];
  constructor(padding?: number | [number, number], options?: ZeroPadding1DArgs);
  constructor(options?: ZeroPadding1DArgs);
  constructor(...args: unknown[]) {
    const { padding = 1, ...rest } = optionsFromArguments("ZeroPadding1D", ["padding"], args) as ZeroPadding1DArgs;
    super(rest);
    this.padding = pair(padding, "ZeroPadding1D padding");
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.pad(inputs, [[0, 0], this.padding, [0, 0]]);
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    return [shape[0]!, shape[1] == null ? null : shape[1] + this.padding[0] + this.padding[1], shape[2]!];
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), padding: [...this.padding], data_format: "channels_last" };
  }
  static override fromConfig(config: Record<string, unknown>): ZeroPadding1D {
    if (config["data_format"] === "channels_first") throw new Error('ZeroPadding1D with data_format="channels_first" is not supported yet; use channels_last.');
    return new ZeroPadding1D({ ...layerArgsFromConfig(config), padding: config["padding"] as [number, number] });
  }
}
registerWrittenLayer(ZeroPadding1D);
