/** Keras's activation layers (`ReLU`, `LeakyReLU`, `PReLU`, `ELU`, `Softmax`, `ThresholdedReLU`) backed by tfjs-layers. */
import type * as tfc from "@tensorflow/tfjs-core";
import type {
  ELU as TfELU,
  ELULayerArgs,
  LeakyReLU as TfLeakyReLU,
  LeakyReLULayerArgs,
  PReLU as TfPReLU,
  PReLULayerArgs,
  ReLU as TfReLU,
  ReLULayerArgs,
  Softmax as TfSoftmax,
  SoftmaxLayerArgs,
  ThresholdedReLU as TfThresholdedReLU,
  ThresholdedReLULayerArgs,
} from "@tensorflow/tfjs-layers/dist/layers/advanced_activations.js";
import { kerasLayerClass } from "./keras-layer-class.js";

/** Python `ReLU(max_value=None, negative_slope=0.0, threshold=0.0, **kwargs)`. */
export const ReLU = kerasLayerClass<typeof TfReLU, ReLULayerArgs, [maxValue: number]>("ReLU", ["maxValue"]);
export type ReLU = InstanceType<typeof ReLU>;
/** Python `ELU(alpha=1.0, **kwargs)`. */
export const ELU = kerasLayerClass<typeof TfELU, ELULayerArgs, [alpha: number]>("ELU", ["alpha"]);
export type ELU = InstanceType<typeof ELU>;
/** Python `PReLU(alpha_initializer="Zeros", **kwargs)`. */
export const PReLU = kerasLayerClass<typeof TfPReLU, PReLULayerArgs, [alphaInitializer: PReLULayerArgs["alphaInitializer"]]>("PReLU", ["alphaInitializer"]);
export type PReLU = InstanceType<typeof PReLU>;
/** Python `Softmax(axis=-1, **kwargs)`. */
export const Softmax = kerasLayerClass<typeof TfSoftmax, SoftmaxLayerArgs, [axis: number]>("Softmax", ["axis"], { axis: -1 });
export type Softmax = InstanceType<typeof Softmax>;
/** Keras 2's `ThresholdedReLU(theta=1.0)` (Keras 3 dropped it). */
export const ThresholdedReLU = kerasLayerClass<typeof TfThresholdedReLU, ThresholdedReLULayerArgs, [theta: number]>("ThresholdedReLU", ["theta"]);
export type ThresholdedReLU = InstanceType<typeof ThresholdedReLU>;

/** Python `LeakyReLU(negative_slope=0.3, **kwargs)` options; Keras 2's `alpha` is still read. */
export type LeakyReLUArgs = LeakyReLULayerArgs & { negativeSlope?: number };
const LeakyReLUBase = kerasLayerClass<typeof TfLeakyReLU, LeakyReLULayerArgs, []>("LeakyReLU");
/** Python `LeakyReLU(negative_slope=0.3, **kwargs)`; its config says `negative_slope`, as Keras 3 writes. */
export class LeakyReLU extends LeakyReLUBase {
  constructor(negativeSlope?: number, options?: LeakyReLUArgs);
  constructor(options?: LeakyReLUArgs);
  constructor(first?: number | LeakyReLUArgs, options: LeakyReLUArgs = {}) {
    const all = typeof first === "number" ? { ...options, negativeSlope: first } : { ...(first ?? options) };
    const { negativeSlope, ...rest } = all;
    super({ ...rest, alpha: negativeSlope ?? rest.alpha ?? 0.3 });
  }
  override getConfig(): tfc.serialization.ConfigDict {
    const { alpha, ...rest } = super.getConfig();
    return { ...rest, negative_slope: alpha ?? 0.3 };
  }
}
