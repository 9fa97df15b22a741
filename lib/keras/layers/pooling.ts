/** Keras's pooling layers backed by tfjs-layers, with Keras's default pool sizes. */
import type {
  AveragePooling1D as TfAveragePooling1D,
  AveragePooling2D as TfAveragePooling2D,
  AveragePooling3D as TfAveragePooling3D,
  GlobalAveragePooling1D as TfGlobalAveragePooling1D,
  GlobalAveragePooling2D as TfGlobalAveragePooling2D,
  GlobalMaxPooling1D as TfGlobalMaxPooling1D,
  GlobalMaxPooling2D as TfGlobalMaxPooling2D,
  GlobalPooling2DLayerArgs,
  MaxPooling1D as TfMaxPooling1D,
  MaxPooling3D as TfMaxPooling3D,
  Pooling1DLayerArgs,
  Pooling2DLayerArgs,
  Pooling3DLayerArgs,
} from "@tensorflow/tfjs-layers/dist/layers/pooling.js";
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import { markLibraryClass } from "../library-classes.js";
import { kerasLayerClass } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

type Size1D = number | [number];
type Size2D = number | [number, number];
type Size3D = number | [number, number, number];

/** Python `MaxPooling1D(pool_size=2, strides=None, padding="valid", **kwargs)`. */
export const MaxPooling1D = kerasLayerClass<typeof TfMaxPooling1D, Pooling1DLayerArgs, [poolSize: Size1D]>("MaxPooling1D", ["poolSize"], { poolSize: 2 });
export type MaxPooling1D = InstanceType<typeof MaxPooling1D>;
/** Python `MaxPooling3D(pool_size=(2, 2, 2), **kwargs)`. */
export const MaxPooling3D = kerasLayerClass<typeof TfMaxPooling3D, Pooling3DLayerArgs, [poolSize: Size3D]>("MaxPooling3D", ["poolSize"], {
  poolSize: [2, 2, 2],
});
export type MaxPooling3D = InstanceType<typeof MaxPooling3D>;
/** Python `AveragePooling1D(pool_size=2, **kwargs)`. */
export const AveragePooling1D = kerasLayerClass<typeof TfAveragePooling1D, Pooling1DLayerArgs, [poolSize: Size1D]>("AveragePooling1D", ["poolSize"], {
  poolSize: 2,
});
export type AveragePooling1D = InstanceType<typeof AveragePooling1D>;
/** Python `AveragePooling2D(pool_size=(2, 2), **kwargs)`. */
export const AveragePooling2D = kerasLayerClass<typeof TfAveragePooling2D, Pooling2DLayerArgs, [poolSize: Size2D]>("AveragePooling2D", ["poolSize"], {
  poolSize: [2, 2],
});
export type AveragePooling2D = InstanceType<typeof AveragePooling2D>;
/** Python `AveragePooling3D(pool_size=(2, 2, 2), **kwargs)`. */
export const AveragePooling3D = kerasLayerClass<typeof TfAveragePooling3D, Pooling3DLayerArgs, [poolSize: Size3D]>("AveragePooling3D", ["poolSize"], {
  poolSize: [2, 2, 2],
});
export type AveragePooling3D = InstanceType<typeof AveragePooling3D>;
const GlobalAveragePooling1DBase = kerasLayerClass<typeof TfGlobalAveragePooling1D, LayerArgs, []>("GlobalAveragePooling1D");
/** Python `GlobalAveragePooling1D(data_format="channels_last", **kwargs)`; with a mask (padded steps), the mean of the unmasked steps, as Keras. */
export class GlobalAveragePooling1D extends GlobalAveragePooling1DBase {
  override call(inputs: tfc.Tensor | tfc.Tensor[], kwargs: { mask?: tfc.Tensor | null; [key: string]: unknown }): tfc.Tensor | tfc.Tensor[] {
    const mask = kwargs?.mask;
    if (mask === null || mask === undefined) return super.call(inputs, kwargs as never);
    return tfc.tidy(() => {
      const input = Array.isArray(inputs) ? inputs[0]! : inputs;
      const weights = tfc.expandDims(tfc.cast(mask, input.dtype), -1); // [batch, steps, 1]
      return tfc.div(tfc.sum(tfc.mul(input, weights), 1), tfc.sum(weights, 1));
    });
  }
}
markLibraryClass(GlobalAveragePooling1D);
/** Python `GlobalMaxPooling1D(data_format="channels_last", **kwargs)`. */
export const GlobalMaxPooling1D = kerasLayerClass<typeof TfGlobalMaxPooling1D, LayerArgs, []>("GlobalMaxPooling1D");
export type GlobalMaxPooling1D = InstanceType<typeof GlobalMaxPooling1D>;
/** Python `GlobalAveragePooling2D(data_format="channels_last", **kwargs)`. */
export const GlobalAveragePooling2D = kerasLayerClass<typeof TfGlobalAveragePooling2D, GlobalPooling2DLayerArgs, []>("GlobalAveragePooling2D");
export type GlobalAveragePooling2D = InstanceType<typeof GlobalAveragePooling2D>;
/** Python `GlobalMaxPooling2D(data_format="channels_last", **kwargs)`. */
export const GlobalMaxPooling2D = kerasLayerClass<typeof TfGlobalMaxPooling2D, GlobalPooling2DLayerArgs, []>("GlobalMaxPooling2D");
export type GlobalMaxPooling2D = InstanceType<typeof GlobalMaxPooling2D>;

/** Keras's short names. */
export {
  MaxPooling1D as MaxPool1D,
  MaxPooling3D as MaxPool3D,
  AveragePooling1D as AvgPool1D,
  AveragePooling2D as AvgPool2D,
  AveragePooling3D as AvgPool3D,
  GlobalAveragePooling1D as GlobalAvgPool1D,
  GlobalAveragePooling2D as GlobalAvgPool2D,
  GlobalMaxPooling1D as GlobalMaxPool1D,
  GlobalMaxPooling2D as GlobalMaxPool2D,
};

/** Written here (tfjs-layers has no 3D global pooling): the mean or max over the three spatial axes. */
abstract class GlobalPooling3D extends Layer {
  readonly keepdims: boolean;
  constructor(options: LayerArgs & { keepdims?: boolean } = {}) {
    const { keepdims = false, ...rest } = options;
    super(rest);
    this.keepdims = keepdims;
  }
  protected abstract reduce(x: tfc.Tensor): tfc.Tensor;
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return this.reduce(inputs);
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    return this.keepdims ? [shape[0]!, 1, 1, 1, shape[4]!] : [shape[0]!, shape[4]!];
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), data_format: "channels_last", keepdims: this.keepdims };
  }
}

function pooling3DArgs(className: string, config: Record<string, unknown>): LayerArgs & { keepdims: boolean } {
  if (config["data_format"] === "channels_first") throw new Error(`${className} with data_format="channels_first" is not supported yet; use channels_last.`);
  return { ...layerArgsFromConfig(config), keepdims: Boolean(config["keepdims"]) };
}

/** Python `GlobalAveragePooling3D(data_format="channels_last", keepdims=False, **kwargs)`. */
export class GlobalAveragePooling3D extends GlobalPooling3D {
  static readonly className = "GlobalAveragePooling3D";
  protected reduce(x: tfc.Tensor): tfc.Tensor {
    return tfc.mean(x, [1, 2, 3], this.keepdims);
  }
  static override fromConfig(config: Record<string, unknown>): GlobalAveragePooling3D {
    return new GlobalAveragePooling3D(pooling3DArgs("GlobalAveragePooling3D", config));
  }
}
/** Python `GlobalMaxPooling3D(data_format="channels_last", keepdims=False, **kwargs)`. */
export class GlobalMaxPooling3D extends GlobalPooling3D {
  static readonly className = "GlobalMaxPooling3D";
  protected reduce(x: tfc.Tensor): tfc.Tensor {
    return tfc.max(x, [1, 2, 3], this.keepdims);
  }
  static override fromConfig(config: Record<string, unknown>): GlobalMaxPooling3D {
    return new GlobalMaxPooling3D(pooling3DArgs("GlobalMaxPooling3D", config));
  }
}
registerWrittenLayer(GlobalAveragePooling3D);
registerWrittenLayer(GlobalMaxPooling3D);
export { GlobalAveragePooling3D as GlobalAvgPool3D, GlobalMaxPooling3D as GlobalMaxPool3D };
