/** Keras's `Masking` (tfjs-layers) and `Identity` (written here). */
import type * as tfc from "@tensorflow/tfjs-core";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type { Masking as TfMasking, MaskingArgs } from "@tensorflow/tfjs-layers/dist/layers/core.js";
import { kerasLayerClass } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

/** Python `Masking(mask_value=0.0, **kwargs)`. */
export const Masking = kerasLayerClass<typeof TfMasking, MaskingArgs, [maskValue: number]>("Masking", ["maskValue"]);
export type Masking = InstanceType<typeof Masking>;

/** Python `Identity(**kwargs)`: returns its input. */
export class Identity extends Layer {
  static readonly className = "Identity";
  constructor(options: LayerArgs = {}) {
    super(options);
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return inputs;
  }
  static override fromConfig(config: Record<string, unknown>): Identity {
    return new Identity(layerArgsFromConfig(config));
  }
}
registerWrittenLayer(Identity);
