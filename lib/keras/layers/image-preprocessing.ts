/**
 * Keras's stateless image preprocessing layers, written here (tfjs-layers lacks them, and its
 * CenterCrop declares its output shape equal to its input's): `CenterCrop`, `Resizing`,
 * `Solarization`, `AutoContrast`, `Equalization`, `MaxNumBoundingBoxes`. They act on image batches
 * `[batch, height, width, channels]` (or channels-first); `Solarization` and `Equalization` change
 * images only in training, as in Keras, and `MaxNumBoundingBoxes` leaves images as they are.
 *
 * @example
 * new keras.layers.Resizing(224, 224);
 * new keras.layers.CenterCrop(200, 200);
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import { dataFormatOf, type DataFormat } from "./spatial-arguments.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

type ValueRange = [number, number];
const formatOf = (config: Record<string, unknown>) => (config["data_format"] ?? undefined) as DataFormat | undefined;

/** Image batch → channels-last (and back), so each layer computes in one layout. */
function toChannelsLast(images: tfc.Tensor, dataFormat: DataFormat): tfc.Tensor4D {
  const batched = (images.rank === 3 ? tfc.expandDims(images, 0) : images) as tfc.Tensor4D;
  return dataFormat === "channels_first" ? tfc.transpose(batched, [0, 2, 3, 1]) : batched;
}
function fromChannelsLast(images: tfc.Tensor4D, dataFormat: DataFormat, rank: number): tfc.Tensor {
  const laidOut = dataFormat === "channels_first" ? tfc.transpose(images, [0, 3, 1, 2]) : images;
  return rank === 3 ? tfc.squeeze(laidOut, [0]) : laidOut;
}

/** The spatial (height, width) axes of an image (batch) shape. */
function imageAxes(rank: number, dataFormat: DataFormat): [number, number] {
  const first = rank === 4 ? 1 : 0;
  return dataFormat === "channels_last" ? [first, first + 1] : [first + 1, first + 2];
}

function checkedRange(value: unknown, className: string): ValueRange {
  if (!Array.isArray(value) || value.length !== 2 || value.some((item) => typeof item !== "number")) {
    throw new Error(`${className} value_range must be [low, high], e.g. [0, 255], got ${JSON.stringify(value)}.`);
  }
  return [Math.min(value[0], value[1]), Math.max(value[0], value[1])];
}

/** Values mapped linearly from one range to another (Keras's `_transform_value_range`). */
function rescale(images: tfc.Tensor, from: ValueRange, to: ValueRange): tfc.Tensor {
  if (from[0] === to[0] && from[1] === to[1]) return images;
  return tfc.add(tfc.mul(tfc.div(tfc.sub(images, from[0]), from[1] - from[0]), to[1] - to[0]), to[0]);
}

type Interpolation = "bilinear" | "nearest";

/**
 * The [outSize, inSize] matrix that resizes one axis as tf.image.resize does (half-pixel centers, no
 * corner alignment): source position (o + 0.5)·in/out − 0.5, linearly interpolated between its
 * neighbours (bilinear) or its floor (nearest).
 */
function interpolationMatrix(inSize: number, outSize: number, interpolation: Interpolation): tfc.Tensor2D {
  const weights = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let out = 0; out < outSize; out++) {
    if (interpolation === "nearest") {
      weights[out * inSize + Math.max(0, Math.min(Math.floor((out + 0.5) * scale), inSize - 1))] = 1;
      continue;
    }
    const source = (out + 0.5) * scale - 0.5;
    const floor = Math.floor(source);
    const lower = Math.max(floor, 0);
    const upper = Math.min(Math.ceil(source), inSize - 1);
    const lerp = source - floor;
    weights[out * inSize + lower] += 1 - lerp;
    weights[out * inSize + upper] += lerp;
  }
  return tfc.tensor2d(weights, [outSize, inSize]);
}

/**
 * tf.image.resize (bilinear or nearest) as two matrix products, one per axis: the same numbers as
 * tfjs's resize ops, and a gradient that is right (tfjs's resize gradient ignores half-pixel centers).
 */
function resize(images: tfc.Tensor4D, height: number, width: number, interpolation: Interpolation): tfc.Tensor4D {
  return tfc.tidy(() => {
    const [batch, inHeight, inWidth, channels] = images.shape;
    // [b, h, w, c] → [b·c·h, w] · [w, W] → [b, c, h, W] → [b·c·W, h] · [h, H] → [b, c, W, H] → [b, H, W, c]
    const rows = tfc.reshape(tfc.transpose(images, [0, 3, 1, 2]), [batch * channels * inHeight, inWidth]);
    const alongWidth = tfc.matMul(rows, interpolationMatrix(inWidth, width, interpolation), false, true);
    const columns = tfc.reshape(tfc.transpose(tfc.reshape(alongWidth, [batch * channels, inHeight, width]), [0, 2, 1]), [batch * channels * width, inHeight]);
    const alongHeight = tfc.matMul(columns, interpolationMatrix(inHeight, height, interpolation), false, true);
    return tfc.transpose(tfc.reshape(alongHeight, [batch, channels, width, height]), [0, 3, 2, 1]);
  });
}

/** Keras's `smart_resize`: the largest centered crop with the target's aspect ratio, then resized. */
function cropToAspectRatioAndResize(images: tfc.Tensor4D, height: number, width: number, interpolation: Interpolation): tfc.Tensor4D {
  const [, inHeight, inWidth] = images.shape;
  const cropHeight = Math.max(Math.min(inHeight, Math.trunc((inWidth * height) / width)), 1);
  const cropWidth = Math.max(Math.min(inWidth, Math.trunc((inHeight * width) / height)), 1);
  const top = Math.trunc((inHeight - cropHeight) / 2);
  const left = Math.trunc((inWidth - cropWidth) / 2);
  return resize(tfc.slice(images, [0, top, left, 0], [-1, cropHeight, cropWidth, -1]), height, width, interpolation);
}

export interface CenterCropArgs extends LayerArgs {
  height?: number;
  width?: number;
  dataFormat?: DataFormat;
}
/**
 * Python `CenterCrop(height, width, data_format=None, **kwargs)`: the centered height × width window;
 * an image smaller than that is cropped to the target's aspect ratio and resized (bilinear), as Keras does.
 */
export class CenterCrop extends Layer {
  static readonly className = "CenterCrop";
  readonly height: number;
  readonly width: number;
  readonly dataFormat: DataFormat;
  constructor(height: number, width: number, options?: Omit<CenterCropArgs, "height" | "width">);
  constructor(options: CenterCropArgs);
  constructor(...args: unknown[]) {
    const { height, width, dataFormat, ...rest } = optionsFromArguments("CenterCrop", ["height", "width"], args) as CenterCropArgs;
    if (!Number.isInteger(height) || !Number.isInteger(width))
      throw new Error(`CenterCrop needs an integer height and width: new keras.layers.CenterCrop(224, 224), got ${height}, ${width}.`);
    super(rest);
    this.height = height!;
    this.width = width!;
    this.dataFormat = dataFormatOf(dataFormat, "CenterCrop");
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const images = toChannelsLast(tfc.cast(inputs, "float32"), this.dataFormat);
      const [, inHeight, inWidth] = images.shape;
      const cropped =
        inHeight >= this.height && inWidth >= this.width
          ? tfc.slice(images, [0, Math.floor((inHeight - this.height) / 2), Math.floor((inWidth - this.width) / 2), 0], [-1, this.height, this.width, -1])
          : cropToAspectRatioAndResize(images, this.height, this.width, "bilinear");
      return fromChannelsLast(cropped, this.dataFormat, inputs.rank);
    });
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    return withImageSize(shape, this.dataFormat, this.height, this.width);
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), height: this.height, width: this.width, data_format: this.dataFormat };
  }
  static override fromConfig(config: Record<string, unknown>): CenterCrop {
    return new CenterCrop({
      ...layerArgsFromConfig(config),
      height: config["height"] as number,
      width: config["width"] as number,
      dataFormat: formatOf(config),
    });
  }
}

export interface ResizingArgs extends LayerArgs {
  height?: number;
  width?: number;
  interpolation?: Interpolation;
  cropToAspectRatio?: boolean;
  padToAspectRatio?: boolean;
  fillMode?: "constant";
  fillValue?: number;
  antialias?: boolean;
  dataFormat?: DataFormat;
}
/**
 * Python `Resizing(height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
 * pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False, data_format=None, **kwargs)`.
 * Bilinear and nearest interpolation; padding to the aspect ratio and antialiasing are not written yet.
 */
export class Resizing extends Layer {
  static readonly className = "Resizing";
  readonly height: number;
  readonly width: number;
  readonly interpolation: Interpolation;
  readonly cropToAspectRatio: boolean;
  readonly padToAspectRatio: boolean;
  readonly fillMode: "constant";
  readonly fillValue: number;
  readonly antialias: boolean;
  readonly dataFormat: DataFormat;
  constructor(height: number, width: number, options?: Omit<ResizingArgs, "height" | "width">);
  constructor(options: ResizingArgs);
  constructor(...args: unknown[]) {
    const {
      height,
      width,
      interpolation = "bilinear",
      cropToAspectRatio = false,
      padToAspectRatio = false,
      fillMode = "constant",
      fillValue = 0,
      antialias = false,
      dataFormat,
      ...rest
    } = optionsFromArguments("Resizing", ["height", "width"], args) as ResizingArgs;
    if (!Number.isInteger(height) || !Number.isInteger(width))
      throw new Error(`Resizing needs an integer height and width: new keras.layers.Resizing(224, 224), got ${height}, ${width}.`);
    if (interpolation !== "bilinear" && interpolation !== "nearest")
      throw new Error(`Resizing interpolation "${interpolation}" is not supported yet; use "bilinear" or "nearest".`);
    if (padToAspectRatio) throw new Error("Resizing with pad_to_aspect_ratio=True is not supported yet; use crop_to_aspect_ratio or neither.");
    if (antialias) throw new Error("Resizing with antialias=True is not supported yet.");
    super(rest);
    this.height = height!;
    this.width = width!;
    this.interpolation = interpolation;
    this.cropToAspectRatio = cropToAspectRatio;
    this.padToAspectRatio = padToAspectRatio;
    this.fillMode = fillMode;
    this.fillValue = fillValue;
    this.antialias = antialias;
    this.dataFormat = dataFormatOf(dataFormat, "Resizing");
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const images = toChannelsLast(tfc.cast(inputs, "float32"), this.dataFormat);
      const resized = this.cropToAspectRatio
        ? cropToAspectRatioAndResize(images, this.height, this.width, this.interpolation)
        : resize(images, this.height, this.width, this.interpolation);
      return fromChannelsLast(resized, this.dataFormat, inputs.rank);
    });
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    return withImageSize(shape, this.dataFormat, this.height, this.width);
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      height: this.height,
      width: this.width,
      interpolation: this.interpolation,
      crop_to_aspect_ratio: this.cropToAspectRatio,
      pad_to_aspect_ratio: this.padToAspectRatio,
      fill_mode: this.fillMode,
      fill_value: this.fillValue,
      antialias: this.antialias,
      data_format: this.dataFormat,
    };
  }
  static override fromConfig(config: Record<string, unknown>): Resizing {
    return new Resizing({
      ...layerArgsFromConfig(config),
      height: config["height"] as number,
      width: config["width"] as number,
      interpolation: (config["interpolation"] ?? "bilinear") as Interpolation,
      cropToAspectRatio: Boolean(config["crop_to_aspect_ratio"]),
      padToAspectRatio: Boolean(config["pad_to_aspect_ratio"]),
      fillMode: (config["fill_mode"] ?? "constant") as "constant",
      fillValue: (config["fill_value"] ?? 0) as number,
      antialias: Boolean(config["antialias"]),
      dataFormat: formatOf(config),
    });
  }
}

/** A Keras factor: a number f means [0, f]; a pair is kept. */
function factorPair(value: number | [number, number], what: string): [number, number] {
  const result = typeof value === "number" ? [0, value] : value;
  if (!Array.isArray(result) || result.length !== 2 || result.some((item) => typeof item !== "number"))
    throw new Error(`${what} must be a number or [low, high], got ${JSON.stringify(value)}.`);
  return [result[0]!, result[1]!];
}

export interface SolarizationArgs extends LayerArgs {
  additionFactor?: number | [number, number];
  thresholdFactor?: number | [number, number];
  valueRange?: ValueRange;
  seed?: number | null;
}
/**
 * Python `Solarization(addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs)`:
 * in training, pixels (on a 0–255 scale, after adding a random amount) at or above a random threshold are inverted; at inference the input passes unchanged.
 */
export class Solarization extends Layer {
  static readonly className = "Solarization";
  readonly additionFactor: [number, number];
  readonly thresholdFactor: [number, number];
  readonly valueRange: ValueRange;
  readonly seed: number | null;
  constructor(options: SolarizationArgs = {}) {
    const {
      additionFactor = 0,
      thresholdFactor = 0,
      valueRange = [0, 255],
      seed = null,
      ...rest
    } = optionsFromArguments("Solarization", [], [options]) as SolarizationArgs;
    super(rest);
    this.additionFactor = factorPair(additionFactor, "Solarization addition_factor");
    this.thresholdFactor = factorPair(thresholdFactor, "Solarization threshold_factor");
    this.valueRange = checkedRange(valueRange, "Solarization");
    this.seed = seed;
  }
  override call(inputs: tfc.Tensor, kwargs: { training?: boolean } = {}): tfc.Tensor {
    if (!kwargs.training) return inputs;
    return tfc.tidy(() => {
      const images = rescale(tfc.cast(inputs, "float32"), this.valueRange, [0, 255]);
      const shape = images.rank === 4 ? [images.shape[0]!, 1, 1, 1] : [1, 1, 1];
      // Keras draws additions from [low, high·255] and thresholds likewise (its factors' convention).
      const additions = tfc.randomUniform(shape, this.additionFactor[0], this.additionFactor[1] * 255, "float32", this.seed ?? undefined);
      const thresholds = tfc.randomUniform(shape, this.thresholdFactor[0], this.thresholdFactor[1] * 255, "float32", this.seed ?? undefined);
      const results = tfc.clipByValue(tfc.add(images, additions), 0, 255);
      return rescale(tfc.where(tfc.less(results, thresholds), results, tfc.sub(255, results)), [0, 255], this.valueRange);
    });
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      value_range: [...this.valueRange],
      addition_factor: [...this.additionFactor],
      threshold_factor: [...this.thresholdFactor],
      seed: this.seed,
      data_format: "channels_last",
    };
  }
  static override fromConfig(config: Record<string, unknown>): Solarization {
    return new Solarization({
      ...layerArgsFromConfig(config),
      additionFactor: (config["addition_factor"] ?? 0) as [number, number],
      thresholdFactor: (config["threshold_factor"] ?? 0) as [number, number],
      valueRange: (config["value_range"] ?? [0, 255]) as ValueRange,
      seed: (config["seed"] ?? null) as number | null,
    });
  }
}

export interface AutoContrastArgs extends LayerArgs {
  valueRange?: ValueRange;
}
/** Python `AutoContrast(value_range=(0, 255), **kwargs)`: each image's channels stretched to the full range (min → low, max → high). */
export class AutoContrast extends Layer {
  static readonly className = "AutoContrast";
  readonly valueRange: ValueRange;
  constructor(options: AutoContrastArgs = {}) {
    const { valueRange = [0, 255], ...rest } = optionsFromArguments("AutoContrast", [], [options]) as AutoContrastArgs;
    super(rest);
    this.valueRange = checkedRange(valueRange, "AutoContrast");
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const images = rescale(tfc.cast(inputs, "float32"), this.valueRange, [0, 255]);
      const axes = images.rank === 4 ? [1, 2] : [0, 1];
      const low = tfc.min(images, axes, true);
      const high = tfc.max(images, axes, true);
      const scale = tfc.div(255, tfc.sub(high, low));
      const stretched = tfc.clipByValue(tfc.sub(tfc.mul(images, scale), tfc.mul(low, scale)), 0, 255);
      const results = rescale(stretched, [0, 255], this.valueRange);
      // A flat channel (max = min) gives NaN: Keras keeps the original there.
      return tfc.where(tfc.isNaN(results), tfc.cast(inputs, "float32"), results);
    });
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), value_range: [...this.valueRange], data_format: "channels_last" };
  }
  static override fromConfig(config: Record<string, unknown>): AutoContrast {
    return new AutoContrast({ ...layerArgsFromConfig(config), valueRange: (config["value_range"] ?? [0, 255]) as ValueRange });
  }
}

export interface EqualizationArgs extends LayerArgs {
  valueRange?: ValueRange;
  bins?: number;
  dataFormat?: DataFormat;
}
/**
 * Python `Equalization(value_range=(0, 255), bins=256, data_format=None, **kwargs)`: in training, each
 * channel's histogram (over the whole batch, as Keras computes it) is equalized; at inference the input passes unchanged.
 */
export class Equalization extends Layer {
  static readonly className = "Equalization";
  readonly valueRange: ValueRange;
  readonly bins: number;
  readonly dataFormat: DataFormat;
  constructor(options: EqualizationArgs = {}) {
    const { valueRange = [0, 255], bins = 256, dataFormat, ...rest } = optionsFromArguments("Equalization", [], [options]) as EqualizationArgs;
    super(rest);
    this.valueRange = checkedRange(valueRange, "Equalization");
    this.bins = bins;
    this.dataFormat = dataFormatOf(dataFormat, "Equalization");
  }
  override call(inputs: tfc.Tensor, kwargs: { training?: boolean } = {}): tfc.Tensor {
    if (!kwargs.training) return inputs;
    return tfc.tidy(() => {
      const images = toChannelsLast(rescale(tfc.cast(inputs, "float32"), this.valueRange, [0, 255]), this.dataFormat);
      const channels = images.shape[3];
      const values = images.dataSync();
      const result = new Float32Array(values.length);
      for (let channel = 0; channel < channels; channel++) {
        const histogram = new Array<number>(this.bins).fill(0);
        const binOf = (value: number) => Math.min(Math.max(Math.trunc((value * (this.bins - 1)) / 255), 0), this.bins - 1);
        for (let index = channel; index < values.length; index += channels) histogram[binOf(values[index]!)]!++;
        const used = histogram.filter((count) => count > 0).length;
        const cdf: number[] = [];
        histogram.reduce((total, count) => {
          cdf.push(total + count);
          return total + count;
        }, 0);
        const cdfMin = cdf.find((count) => count > 0) ?? 0;
        const denominator = cdf[cdf.length - 1]! - cdfMin || 1;
        const lookup = cdf.map((count) => Math.min(Math.max(Math.round(((count - cdfMin) * 255) / denominator), 0), 255));
        for (let index = channel; index < values.length; index += channels) {
          const value = values[index]!;
          result[index] = used <= 1 ? value : lookup[Math.trunc(Math.min(Math.max((value / 255) * (this.bins - 1), 0), this.bins - 1))]!;
        }
      }
      const equalized = rescale(tfc.tensor(result, images.shape), [0, 255], this.valueRange) as tfc.Tensor4D;
      return fromChannelsLast(equalized, this.dataFormat, inputs.rank);
    });
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), bins: this.bins, value_range: [...this.valueRange], data_format: this.dataFormat };
  }
  static override fromConfig(config: Record<string, unknown>): Equalization {
    return new Equalization({
      ...layerArgsFromConfig(config),
      valueRange: (config["value_range"] ?? [0, 255]) as ValueRange,
      bins: (config["bins"] ?? 256) as number,
      dataFormat: formatOf(config),
    });
  }
}

export interface MaxNumBoundingBoxesArgs extends LayerArgs {
  maxNumber?: number;
  fillValue?: number;
}
/**
 * Python `MaxNumBoundingBoxes(max_number, fill_value=-1, **kwargs)`: pads or trims bounding boxes to
 * `max_number` per image; images pass unchanged (bounding-box dictionaries are not taken yet).
 */
export class MaxNumBoundingBoxes extends Layer {
  static readonly className = "MaxNumBoundingBoxes";
  readonly maxNumber: number;
  readonly fillValue: number;
  constructor(maxNumber: number, options?: Omit<MaxNumBoundingBoxesArgs, "maxNumber">);
  constructor(options: MaxNumBoundingBoxesArgs);
  constructor(...args: unknown[]) {
    const { maxNumber, fillValue = -1, ...rest } = optionsFromArguments("MaxNumBoundingBoxes", ["maxNumber", "fillValue"], args) as MaxNumBoundingBoxesArgs;
    if (!Number.isInteger(maxNumber))
      throw new Error(`MaxNumBoundingBoxes needs max_number: new keras.layers.MaxNumBoundingBoxes(10), got ${JSON.stringify(maxNumber)}.`);
    super(rest);
    this.maxNumber = maxNumber!;
    this.fillValue = fillValue;
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return inputs;
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    return shape;
  }
  /** Keras 3.15 writes max_number and data_format (not fill_value). */
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), max_number: this.maxNumber, data_format: "channels_last" };
  }
  static override fromConfig(config: Record<string, unknown>): MaxNumBoundingBoxes {
    return new MaxNumBoundingBoxes({
      ...layerArgsFromConfig(config),
      maxNumber: config["max_number"] as number,
      fillValue: (config["fill_value"] ?? -1) as number,
    });
  }
}

/**
 * Keras's CLAHE on a channels-last batch on the 0–255 scale, as its `_clahe` computes it: the image
 * (padded symmetrically to whole tiles) is cut into grid tiles; each tile's 256-bin histogram of the
 * truncated pixel values is clipped at clip_limit·(tile pixels)/256 with the excess spread evenly,
 * its CDF scaled to 0–255; each pixel's value is the bilinear blend of the CDFs of the four nearest
 * tile centres (edge tiles repeated) at its own value.
 */
function clahe(
  values: Float32Array | Int32Array | Uint8Array,
  [batch, height, width, channels]: number[],
  [gridHeight, gridWidth]: [number, number],
  clipLimit: number,
): Float32Array {
  const tileHeight = Math.ceil(height / gridHeight);
  const tileWidth = Math.ceil(width / gridWidth);
  const paddedHeight = tileHeight * gridHeight;
  const paddedWidth = tileWidth * gridWidth;
  const symmetric = (index: number, size: number) => (index < size ? index : 2 * size - 1 - index);
  const pixel = (b: number, y: number, x: number, c: number) => {
    const value = Math.trunc(values[((b * height + symmetric(y, height)) * width + symmetric(x, width)) * channels + c]!);
    return Math.min(Math.max(value, 0), 255);
  };
  const result = new Float32Array(batch * height * width * channels);
  const tilePixels = tileHeight * tileWidth;
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      // CDFs of the tiles, with a border of repeated edge tiles: [(gridHeight + 2)·(gridWidth + 2)][256].
      const cdfs: Float64Array[] = [];
      const tileCdf: Float64Array[][] = [];
      for (let gy = 0; gy < gridHeight; gy++) {
        tileCdf.push([]);
        for (let gx = 0; gx < gridWidth; gx++) {
          const histogram = new Float64Array(256);
          for (let y = gy * tileHeight; y < (gy + 1) * tileHeight; y++)
            for (let x = gx * tileWidth; x < (gx + 1) * tileWidth; x++) histogram[pixel(b, y, x, c)]!++;
          if (clipLimit > 0) {
            const limit = (clipLimit * tilePixels) / 256;
            let excess = 0;
            for (let bin = 0; bin < 256; bin++) {
              const clipped = Math.min(histogram[bin]!, limit);
              excess += histogram[bin]! - clipped;
              histogram[bin] = clipped;
            }
            for (let bin = 0; bin < 256; bin++) histogram[bin]! += excess / 256;
          }
          const cdf = new Float64Array(256);
          let total = 0;
          for (let bin = 0; bin < 256; bin++) cdf[bin] = total += histogram[bin]!;
          const cdfMin = Math.min(...cdf);
          const denominator = tilePixels - cdfMin === 0 ? 1 : tilePixels - cdfMin;
          for (let bin = 0; bin < 256; bin++) cdf[bin] = Math.min(Math.max(((cdf[bin]! - cdfMin) * 255) / denominator, 0), 255);
          tileCdf[gy]!.push(cdf);
        }
      }
      for (let gy = 0; gy < gridHeight + 2; gy++) {
        for (let gx = 0; gx < gridWidth + 2; gx++)
          cdfs.push(tileCdf[Math.min(Math.max(gy - 1, 0), gridHeight - 1)]![Math.min(Math.max(gx - 1, 0), gridWidth - 1)]!);
      }
      const neighbours = (position: number, tile: number, grid: number) => {
        const scaled = (position - tile / 2) / tile + 1;
        const low = Math.floor(scaled);
        return { low: Math.min(Math.max(low, 0), grid + 1), high: Math.min(Math.max(low + 1, 0), grid + 1), weight: scaled - low };
      };
      for (let y = 0; y < Math.min(height, paddedHeight); y++) {
        const row = neighbours(y, tileHeight, gridHeight);
        for (let x = 0; x < Math.min(width, paddedWidth); x++) {
          const column = neighbours(x, tileWidth, gridWidth);
          const value = pixel(b, y, x, c);
          const at = (gy: number, gx: number) => cdfs[gy * (gridWidth + 2) + gx]![value]!;
          const top = at(row.low, column.low) * (1 - column.weight) + at(row.low, column.high) * column.weight;
          const bottom = at(row.high, column.low) * (1 - column.weight) + at(row.high, column.high) * column.weight;
          result[((b * height + y) * width + x) * channels + c] = top * (1 - row.weight) + bottom * row.weight;
        }
      }
    }
  }
  return result;
}

export interface ContrastLimitedAdaptiveHistogramEqualizationArgs extends LayerArgs {
  valueRange?: ValueRange;
  clipLimit?: number;
  tileGridSize?: [number, number];
  dataFormat?: DataFormat;
}
/**
 * Python `ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8), data_format=None, **kwargs)`:
 * CLAHE, in training and at inference, as Keras. Its output depends on the input only through
 * integer pixel values, so its gradient is zero (TensorFlow's is None).
 */
export class ContrastLimitedAdaptiveHistogramEqualization extends Layer {
  static readonly className = "ContrastLimitedAdaptiveHistogramEqualization";
  readonly valueRange: ValueRange;
  readonly clipLimit: number;
  readonly tileGridSize: [number, number];
  readonly dataFormat: DataFormat;
  constructor(options: ContrastLimitedAdaptiveHistogramEqualizationArgs = {}) {
    const {
      valueRange = [0, 255],
      clipLimit = 4,
      tileGridSize = [8, 8],
      dataFormat,
      ...rest
    } = optionsFromArguments("ContrastLimitedAdaptiveHistogramEqualization", [], [options]) as ContrastLimitedAdaptiveHistogramEqualizationArgs;
    if (!Array.isArray(tileGridSize) || tileGridSize.length !== 2 || tileGridSize.some((size) => !Number.isInteger(size) || size < 1)) {
      throw new Error(
        `ContrastLimitedAdaptiveHistogramEqualization tile_grid_size must be [rows, columns] of positive integers, got ${JSON.stringify(tileGridSize)}.`,
      );
    }
    super(rest);
    this.valueRange = checkedRange(valueRange, "ContrastLimitedAdaptiveHistogramEqualization");
    this.clipLimit = clipLimit;
    this.tileGridSize = [tileGridSize[0]!, tileGridSize[1]!];
    this.dataFormat = dataFormatOf(dataFormat, "ContrastLimitedAdaptiveHistogramEqualization");
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    const equalize = tfc.customGrad((input) => {
      const value = tfc.tidy(() => {
        const images = toChannelsLast(rescale(tfc.cast(input as tfc.Tensor, "float32"), this.valueRange, [0, 255]), this.dataFormat);
        const equalized = tfc.tensor4d(clahe(images.dataSync(), images.shape, this.tileGridSize, this.clipLimit), images.shape);
        return fromChannelsLast(rescale(equalized, [0, 255], this.valueRange) as tfc.Tensor4D, this.dataFormat, inputs.rank);
      });
      return { value, gradFunc: (dy: tfc.Tensor) => tfc.zerosLike(dy) };
    });
    return equalize(inputs);
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    return shape;
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      value_range: [...this.valueRange],
      clip_limit: this.clipLimit,
      tile_grid_size: [...this.tileGridSize],
      data_format: this.dataFormat,
    };
  }
  static override fromConfig(config: Record<string, unknown>): ContrastLimitedAdaptiveHistogramEqualization {
    return new ContrastLimitedAdaptiveHistogramEqualization({
      ...layerArgsFromConfig(config),
      valueRange: (config["value_range"] ?? [0, 255]) as ValueRange,
      clipLimit: (config["clip_limit"] ?? 4) as number,
      tileGridSize: (config["tile_grid_size"] ?? [8, 8]) as [number, number],
      dataFormat: formatOf(config),
    });
  }
}

for (const cls of [CenterCrop, Resizing, Solarization, AutoContrast, Equalization, MaxNumBoundingBoxes, ContrastLimitedAdaptiveHistogramEqualization])
  registerWrittenLayer(cls);

/** The shape with its height and width axes set (CenterCrop and Resizing output `height × width` images). */
function withImageSize(shape: tfl.Shape, dataFormat: DataFormat, height: number, width: number): tfl.Shape {
  const result = [...shape];
  const [heightAxis, widthAxis] = imageAxes(shape.length, dataFormat);
  result[heightAxis] = height;
  result[widthAxis] = width;
  return result;
}
