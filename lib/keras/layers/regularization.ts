/**
 * Keras's regularization layers: tfjs-layers's `SpatialDropout1D`, `GaussianNoise`,
 * `GaussianDropout`, `AlphaDropout`, and `ActivityRegularization`, written here.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { markLibraryClass } from "../library-classes.js";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type { SpatialDropout1D as TfSpatialDropout1D, SpatialDropout1DLayerConfig } from "@tensorflow/tfjs-layers/dist/layers/core.js";
import type {
  AlphaDropout as TfAlphaDropout,
  AlphaDropoutArgs,
  GaussianDropout as TfGaussianDropout,
  GaussianDropoutArgs,
  GaussianNoise as TfGaussianNoise,
  GaussianNoiseArgs,
} from "@tensorflow/tfjs-layers/dist/layers/noise.js";
import { kerasLayerClass, optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

/** Python `SpatialDropout1D(rate, **kwargs)`. */
export const SpatialDropout1D = kerasLayerClass<typeof TfSpatialDropout1D, SpatialDropout1DLayerConfig, [rate: number]>("SpatialDropout1D", ["rate"], {}, [
  "rate",
]);
export type SpatialDropout1D = InstanceType<typeof SpatialDropout1D>;
/** Python `GaussianNoise(stddev, **kwargs)`. */
export const GaussianNoise = kerasLayerClass<typeof TfGaussianNoise, GaussianNoiseArgs, [stddev: number]>("GaussianNoise", ["stddev"], {}, ["stddev"]);
export type GaussianNoise = InstanceType<typeof GaussianNoise>;
/** Python `GaussianDropout(rate, **kwargs)`. */
export const GaussianDropout = kerasLayerClass<typeof TfGaussianDropout, GaussianDropoutArgs, [rate: number]>("GaussianDropout", ["rate"], {}, ["rate"]);
export type GaussianDropout = InstanceType<typeof GaussianDropout>;
const AlphaDropoutBase = kerasLayerClass<typeof TfAlphaDropout, AlphaDropoutArgs, [rate: number]>("AlphaDropout", ["rate"], {}, ["rate"]);
/**
 * Python `AlphaDropout(rate, **kwargs)`. In training, dropped values become SELU's negative
 * saturation value −α·λ and an affine map restores mean and variance, as Keras does (tfjs-layers
 * set them to +α·λ, which shifted the mean of self-normalizing activations by about 0.6).
 */
export class AlphaDropout extends AlphaDropoutBase {
  override call(inputs: tfc.Tensor | tfc.Tensor[], kwargs: { training?: boolean; [key: string]: unknown }): tfc.Tensor | tfc.Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0]! : inputs;
    const rate = (this as unknown as { rate: number }).rate;
    if (kwargs?.training !== true || rate <= 0 || rate >= 1) return input;
    return tfc.tidy(() => {
      const saturation = -1.6732632423543772 * 1.0507009873554805;
      const noiseShape = (this as unknown as { noiseShape?: number[] }).noiseShape ?? input.shape;
      const kept = tfc.broadcastTo(tfc.greaterEqual(tfc.randomUniform(noiseShape), rate), input.shape);
      const a = ((1 - rate) * (1 + rate * saturation ** 2)) ** -0.5;
      const b = -a * saturation * rate;
      return tfc.add(tfc.mul(tfc.where(kept, input, tfc.fill(input.shape, saturation)), a), b);
    });
  }
}
markLibraryClass(AlphaDropout);

export interface ActivityRegularizationArgs extends LayerArgs {
  l1?: number;
  l2?: number;
}
/**
 * Python `ActivityRegularization(l1=0.0, l2=0.0, **kwargs)`: the identity in the forward pass; its
 * config round-trips. The activity penalty is not added to the training loss yet.
 */
export class ActivityRegularization extends Layer {
  static readonly className = "ActivityRegularization";
  readonly l1: number;
  readonly l2: number;
  constructor(options: ActivityRegularizationArgs = {}) {
    const { l1 = 0, l2 = 0, ...rest } = optionsFromArguments("ActivityRegularization", [], [options]) as ActivityRegularizationArgs;
    super(rest);
    this.l1 = l1;
    this.l2 = l2;
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return inputs;
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), l1: this.l1, l2: this.l2 };
  }
  static override fromConfig(config: Record<string, unknown>): ActivityRegularization {
    return new ActivityRegularization({ ...layerArgsFromConfig(config), l1: Number(config["l1"] ?? 0), l2: Number(config["l2"] ?? 0) });
  }
}
registerWrittenLayer(ActivityRegularization);
