/**
 * Keras's adaptive pooling layers (`AdaptiveAveragePooling1D/2D/3D`, `AdaptiveMaxPooling1D/2D/3D`),
 * which tfjs-layers lacks: the output has `output_size` steps per spatial axis whatever the input's
 * size, output step i pooling input steps [floor(i·L/n), ceil((i+1)·L/n)) as Keras (and PyTorch) do.
 * Pooling a box is pooling each axis in turn, so the axes are reduced one after another.
 *
 * @example
 * new keras.layers.AdaptiveAveragePooling2D([7, 7]); // [b, h, w, c] → [b, 7, 7, c]
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { dataFormatOf, sizeTuple, spatialAxes, type DataFormat } from "./spatial-arguments.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

export interface AdaptivePoolingArgs extends LayerArgs {
  outputSize?: number | number[];
  dataFormat?: DataFormat;
}

abstract class AdaptivePooling extends Layer {
  readonly outputSize: number[];
  readonly dataFormat: DataFormat;
  protected abstract reduce(x: tfc.Tensor, axis: number): tfc.Tensor;

  constructor(className: string, spatialRank: number, args: unknown[]) {
    const { outputSize, dataFormat, ...rest } = optionsFromArguments(className, ["outputSize", "dataFormat"], args) as AdaptivePoolingArgs;
    if (outputSize === undefined)
      throw new Error(
        `${className} needs output_size: new keras.layers.${className}(${spatialRank === 1 ? "4" : `[${new Array(spatialRank).fill(4).join(", ")}]`}).`,
      );
    super(rest);
    this.outputSize = sizeTuple(outputSize, spatialRank, `${className} output_size`);
    this.dataFormat = dataFormatOf(dataFormat, className);
  }

  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      let result = inputs;
      spatialAxes(this.outputSize.length, this.dataFormat).forEach((axis, index) => {
        const length = result.shape[axis]!;
        const steps = this.outputSize[index]!;
        const pieces: tfc.Tensor[] = [];
        for (let step = 0; step < steps; step++) {
          const start = Math.floor((step * length) / steps);
          const end = Math.min(Math.ceil(((step + 1) * length) / steps), length);
          const begin = result.shape.map((_size, at) => (at === axis ? start : 0));
          const size = result.shape.map((_size, at) => (at === axis ? end - start : -1));
          pieces.push(this.reduce(tfc.slice(result, begin, size), axis));
        }
        result = tfc.concat(pieces, axis);
      });
      return result;
    });
  }

  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    const result = [...shape];
    spatialAxes(this.outputSize.length, this.dataFormat).forEach((axis, index) => {
      result[axis] = this.outputSize[index]!;
    });
    return result;
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), output_size: [...this.outputSize], data_format: this.dataFormat };
  }
}

function argsFromConfig(config: Record<string, unknown>): AdaptivePoolingArgs {
  return {
    ...layerArgsFromConfig(config),
    outputSize: config["output_size"] as number[],
    dataFormat: (config["data_format"] ?? undefined) as DataFormat | undefined,
  };
}

const mean = (x: tfc.Tensor, axis: number) => tfc.mean(x, axis, true);
const max = (x: tfc.Tensor, axis: number) => tfc.max(x, axis, true);

/** Python `AdaptiveAveragePooling1D(output_size, data_format=None, **kwargs)`. */
export class AdaptiveAveragePooling1D extends AdaptivePooling {
  static readonly className = "AdaptiveAveragePooling1D";
  constructor(outputSize: number | [number], options?: Omit<AdaptivePoolingArgs, "outputSize">);
  constructor(options: AdaptivePoolingArgs);
  constructor(...args: unknown[]) {
    super("AdaptiveAveragePooling1D", 1, args);
  }
  protected reduce(x: tfc.Tensor, axis: number): tfc.Tensor {
    return mean(x, axis);
  }
  static override fromConfig(config: Record<string, unknown>): AdaptiveAveragePooling1D {
    return new AdaptiveAveragePooling1D(argsFromConfig(config));
  }
}
/** Python `AdaptiveAveragePooling2D(output_size, data_format=None, **kwargs)`. */
export class AdaptiveAveragePooling2D extends AdaptivePooling {
  static readonly className = "AdaptiveAveragePooling2D";
  constructor(outputSize: number | [number, number], options?: Omit<AdaptivePoolingArgs, "outputSize">);
  constructor(options: AdaptivePoolingArgs);
  constructor(...args: unknown[]) {
    super("AdaptiveAveragePooling2D", 2, args);
  }
  protected reduce(x: tfc.Tensor, axis: number): tfc.Tensor {
    return mean(x, axis);
  }
  static override fromConfig(config: Record<string, unknown>): AdaptiveAveragePooling2D {
    return new AdaptiveAveragePooling2D(argsFromConfig(config));
  }
}
/** Python `AdaptiveAveragePooling3D(output_size, data_format=None, **kwargs)`. */
export class AdaptiveAveragePooling3D extends AdaptivePooling {
  static readonly className = "AdaptiveAveragePooling3D";
  constructor(outputSize: number | [number, number, number], options?: Omit<AdaptivePoolingArgs, "outputSize">);
  constructor(options: AdaptivePoolingArgs);
  constructor(...args: unknown[]) {
    super("AdaptiveAveragePooling3D", 3, args);
  }
  protected reduce(x: tfc.Tensor, axis: number): tfc.Tensor {
    return mean(x, axis);
  }
  static override fromConfig(config: Record<string, unknown>): AdaptiveAveragePooling3D {
    return new AdaptiveAveragePooling3D(argsFromConfig(config));
  }
}
/** Python `AdaptiveMaxPooling1D(output_size, data_format=None, **kwargs)`. */
export class AdaptiveMaxPooling1D extends AdaptivePooling {
  static readonly className = "AdaptiveMaxPooling1D";
  constructor(outputSize: number | [number], options?: Omit<AdaptivePoolingArgs, "outputSize">);
  constructor(options: AdaptivePoolingArgs);
  constructor(...args: unknown[]) {
    super("AdaptiveMaxPooling1D", 1, args);
  }
  protected reduce(x: tfc.Tensor, axis: number): tfc.Tensor {
    return max(x, axis);
  }
  static override fromConfig(config: Record<string, unknown>): AdaptiveMaxPooling1D {
    return new AdaptiveMaxPooling1D(argsFromConfig(config));
  }
}
/** Python `AdaptiveMaxPooling2D(output_size, data_format=None, **kwargs)`. */
export class AdaptiveMaxPooling2D extends AdaptivePooling {
  static readonly className = "AdaptiveMaxPooling2D";
  constructor(outputSize: number | [number, number], options?: Omit<AdaptivePoolingArgs, "outputSize">);
  constructor(options: AdaptivePoolingArgs);
  constructor(...args: unknown[]) {
    super("AdaptiveMaxPooling2D", 2, args);
  }
  protected reduce(x: tfc.Tensor, axis: number): tfc.Tensor {
    return max(x, axis);
  }
  static override fromConfig(config: Record<string, unknown>): AdaptiveMaxPooling2D {
    return new AdaptiveMaxPooling2D(argsFromConfig(config));
  }
}
/** Python `AdaptiveMaxPooling3D(output_size, data_format=None, **kwargs)`. */
export class AdaptiveMaxPooling3D extends AdaptivePooling {
  static readonly className = "AdaptiveMaxPooling3D";
  constructor(outputSize: number | [number, number, number], options?: Omit<AdaptivePoolingArgs, "outputSize">);
  constructor(options: AdaptivePoolingArgs);
  constructor(...args: unknown[]) {
    super("AdaptiveMaxPooling3D", 3, args);
  }
  protected reduce(x: tfc.Tensor, axis: number): tfc.Tensor {
    return max(x, axis);
  }
  static override fromConfig(config: Record<string, unknown>): AdaptiveMaxPooling3D {
    return new AdaptiveMaxPooling3D(argsFromConfig(config));
  }
}

for (const cls of [
  AdaptiveAveragePooling1D,
  AdaptiveAveragePooling2D,
  AdaptiveAveragePooling3D,
  AdaptiveMaxPooling1D,
  AdaptiveMaxPooling2D,
  AdaptiveMaxPooling3D,
])
  registerWrittenLayer(cls);
