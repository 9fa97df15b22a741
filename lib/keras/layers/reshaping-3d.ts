/**
 * Keras's 3D reshaping layers, which tfjs-layers lacks: `Cropping3D`, `UpSampling3D`, `ZeroPadding3D`
 * (both data formats).
 *
 * @example
 * new keras.layers.ZeroPadding3D(1); // [b, d, h, w, c] → [b, d + 2, h + 2, w + 2, c]
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import { dataFormatOf, sizeTuple, spatialAxes, type DataFormat } from "./spatial-arguments.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

type Pairs = [[number, number], [number, number], [number, number]];
/** Keras's `int`, `(a, b, c)` or `((a1, a2), (b1, b2), (c1, c2))` amounts before and after each spatial axis. */
type Amounts = number | [number, number, number] | Pairs;

function pairs(value: Amounts, what: string): Pairs {
  const items = typeof value === "number" ? [value, value, value] : value;
  const result = (items as Array<number | number[]>).map((item) => (typeof item === "number" ? [item, item] : [...item]));
  if (result.length !== 3 || result.some((pair) => pair.length !== 2 || pair.some((amount) => !Number.isInteger(amount) || amount < 0))) {
    throw new Error(`${what} must be a non-negative integer, 3 of them, or 3 pairs [before, after], got ${JSON.stringify(value)}.`);
  }
  return result as Pairs;
}

export interface Cropping3DArgs extends LayerArgs {
  cropping?: Amounts;
  dataFormat?: DataFormat;
}
/** Python `Cropping3D(cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs)`. */
export class Cropping3D extends Layer {
  static readonly className = "Cropping3D";
  readonly cropping: Pairs;
  readonly dataFormat: DataFormat;
  constructor(cropping?: Amounts, options?: Cropping3DArgs);
  constructor(options?: Cropping3DArgs);
  constructor(...args: unknown[]) {
    const { cropping = 1, dataFormat, ...rest } = optionsFromArguments("Cropping3D", ["cropping", "dataFormat"], args) as Cropping3DArgs;
    super(rest);
    this.cropping = pairs(cropping, "Cropping3D cropping");
    this.dataFormat = dataFormatOf(dataFormat, "Cropping3D");
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    const begin = inputs.shape.map(() => 0);
    const size = inputs.shape.map(() => -1);
    spatialAxes(3, this.dataFormat).forEach((axis, index) => {
      const [before, after] = this.cropping[index]!;
      begin[axis] = before;
      size[axis] = inputs.shape[axis]! - before - after;
    });
    return tfc.slice(inputs, begin, size);
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    const result = [...shape];
    spatialAxes(3, this.dataFormat).forEach((axis, index) => {
      const size = shape[axis];
      result[axis] = size == null ? null : size - this.cropping[index]![0] - this.cropping[index]![1];
    });
    return result;
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), cropping: this.cropping.map((pair) => [...pair]), data_format: this.dataFormat };
  }
  static override fromConfig(config: Record<string, unknown>): Cropping3D {
    return new Cropping3D({
      ...layerArgsFromConfig(config),
      cropping: config["cropping"] as Amounts,
      dataFormat: (config["data_format"] ?? undefined) as DataFormat | undefined,
    });
  }
}

export interface UpSampling3DArgs extends LayerArgs {
  size?: number | [number, number, number];
  dataFormat?: DataFormat;
}
/** Python `UpSampling3D(size=(2, 2, 2), data_format=None, **kwargs)`: each step repeated `size` times per spatial axis. */
export class UpSampling3D extends Layer {
  static readonly className = "UpSampling3D";
  readonly size: number[];
  readonly dataFormat: DataFormat;
  constructor(size?: number | [number, number, number], options?: UpSampling3DArgs);
  constructor(options?: UpSampling3DArgs);
  constructor(...args: unknown[]) {
    const { size = 2, dataFormat, ...rest } = optionsFromArguments("UpSampling3D", ["size", "dataFormat"], args) as UpSampling3DArgs;
    super(rest);
    this.size = sizeTuple(size, 3, "UpSampling3D size");
    this.dataFormat = dataFormatOf(dataFormat, "UpSampling3D");
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      let result = inputs;
      spatialAxes(3, this.dataFormat).forEach((axis, index) => {
        const times = this.size[index]!;
        // Step i of the output reads input step floor(i / times): each step repeated in place (gather has a gradient; tile of rank 6 has none).
        const indices = tfc.tensor1d(
          Array.from({ length: result.shape[axis]! * times }, (_unused, step) => Math.floor(step / times)),
          "int32",
        );
        result = tfc.gather(result, indices, axis);
      });
      return result;
    });
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    const result = [...shape];
    spatialAxes(3, this.dataFormat).forEach((axis, index) => {
      const size = shape[axis];
      result[axis] = size == null ? null : size * this.size[index]!;
    });
    return result;
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), size: [...this.size], data_format: this.dataFormat };
  }
  static override fromConfig(config: Record<string, unknown>): UpSampling3D {
    return new UpSampling3D({
      ...layerArgsFromConfig(config),
      size: config["size"] as [number, number, number],
      dataFormat: (config["data_format"] ?? undefined) as DataFormat | undefined,
    });
  }
}

export interface ZeroPadding3DArgs extends LayerArgs {
  padding?: Amounts;
  dataFormat?: DataFormat;
}
/** Python `ZeroPadding3D(padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs)`. */
export class ZeroPadding3D extends Layer {
  static readonly className = "ZeroPadding3D";
  readonly padding: Pairs;
  readonly dataFormat: DataFormat;
  constructor(padding?: Amounts, options?: ZeroPadding3DArgs);
  constructor(options?: ZeroPadding3DArgs);
  constructor(...args: unknown[]) {
    const { padding = 1, dataFormat, ...rest } = optionsFromArguments("ZeroPadding3D", ["padding", "dataFormat"], args) as ZeroPadding3DArgs;
    super(rest);
    this.padding = pairs(padding, "ZeroPadding3D padding");
    this.dataFormat = dataFormatOf(dataFormat, "ZeroPadding3D");
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    const amounts: Array<[number, number]> = inputs.shape.map(() => [0, 0]);
    spatialAxes(3, this.dataFormat).forEach((axis, index) => {
      amounts[axis] = [...this.padding[index]!];
    });
    return tfc.pad(inputs, amounts);
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    const result = [...shape];
    spatialAxes(3, this.dataFormat).forEach((axis, index) => {
      const size = shape[axis];
      result[axis] = size == null ? null : size + this.padding[index]![0] + this.padding[index]![1];
    });
    return result;
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding.map((pair) => [...pair]), data_format: this.dataFormat };
  }
  static override fromConfig(config: Record<string, unknown>): ZeroPadding3D {
    return new ZeroPadding3D({
      ...layerArgsFromConfig(config),
      padding: config["padding"] as Amounts,
      dataFormat: (config["data_format"] ?? undefined) as DataFormat | undefined,
    });
  }
}

for (const cls of [Cropping3D, UpSampling3D, ZeroPadding3D]) registerWrittenLayer(cls);
