/**
 * Keras's `SpatialDropout2D` and `SpatialDropout3D`, which tfjs-layers lacks: in training, whole
 * channels (feature maps) are dropped, the kept ones scaled by 1/(1 − rate); at inference the input
 * passes unchanged. Keras 3.15 writes their config with a plain dtype and no `trainable`.
 *
 * @example
 * new keras.layers.SpatialDropout2D(0.2);
 */
import * as tfc from "@tensorflow/tfjs-core";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import { dataFormatOf, type DataFormat } from "./spatial-arguments.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

export interface SpatialDropoutArgs extends LayerArgs {
  rate?: number;
  dataFormat?: DataFormat;
  seed?: number | null;
}

abstract class SpatialDropout extends Layer {
  readonly rate: number;
  readonly dataFormat: DataFormat;
  readonly seed: number | null;
  constructor(className: string, args: unknown[]) {
    const { rate, dataFormat, seed = null, ...rest } = optionsFromArguments(className, ["rate", "dataFormat", "seed"], args) as SpatialDropoutArgs;
    if (typeof rate !== "number" || rate < 0 || rate > 1)
      throw new Error(`${className} needs a rate between 0 and 1: new keras.layers.${className}(0.2), got ${JSON.stringify(rate)}.`);
    super(rest);
    this.rate = rate;
    this.dataFormat = dataFormatOf(dataFormat, className);
    this.seed = seed;
  }
  override call(inputs: tfc.Tensor, kwargs: { training?: boolean } = {}): tfc.Tensor {
    if (!kwargs.training || this.rate === 0) return inputs;
    // One draw per example and channel, shared over the spatial axes.
    const channelAxis = this.dataFormat === "channels_last" ? inputs.rank - 1 : 1;
    const noiseShape = inputs.shape.map((size, axis) => (axis === 0 || axis === channelAxis ? size : 1));
    return tfc.dropout(inputs, this.rate, noiseShape, this.seed ?? undefined);
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, data_format: this.dataFormat };
  }
}

function argsFromConfig(config: Record<string, unknown>): SpatialDropoutArgs {
  return {
    ...layerArgsFromConfig(config),
    rate: config["rate"] as number,
    seed: (config["seed"] ?? null) as number | null,
    dataFormat: (config["data_format"] ?? undefined) as DataFormat | undefined,
  };
}

/** Python `SpatialDropout2D(rate, data_format=None, seed=None, name=None, dtype=None)`. */
export class SpatialDropout2D extends SpatialDropout {
  static readonly className = "SpatialDropout2D";
  constructor(rate: number, options?: Omit<SpatialDropoutArgs, "rate">);
  constructor(options: SpatialDropoutArgs);
  constructor(...args: unknown[]) {
    super("SpatialDropout2D", args);
  }
  static override fromConfig(config: Record<string, unknown>): SpatialDropout2D {
    return new SpatialDropout2D(argsFromConfig(config));
  }
}
/** Python `SpatialDropout3D(rate, data_format=None, seed=None, name=None, dtype=None)`. */
export class SpatialDropout3D extends SpatialDropout {
  static readonly className = "SpatialDropout3D";
  constructor(rate: number, options?: Omit<SpatialDropoutArgs, "rate">);
  constructor(options: SpatialDropoutArgs);
  constructor(...args: unknown[]) {
    super("SpatialDropout3D", args);
  }
  static override fromConfig(config: Record<string, unknown>): SpatialDropout3D {
    return new SpatialDropout3D(argsFromConfig(config));
  }
}

registerWrittenLayer(SpatialDropout2D);
registerWrittenLayer(SpatialDropout3D);
