/** Keras's stateless preprocessing layers that tfjs-layers implements correctly: `Rescaling` (its CenterCrop fails in functional models). */
import type { Rescaling as TfRescaling, RescalingArgs } from "@tensorflow/tfjs-layers/dist/layers/preprocessing/image_preprocessing.js";
import { kerasLayerClass } from "./keras-layer-class.js";

/** Python `Rescaling(scale, offset=0.0, **kwargs)`. */
export const Rescaling = kerasLayerClass<typeof TfRescaling, RescalingArgs, [scale: number, offset: number]>("Rescaling", ["scale", "offset"], {}, ["scale"]);
export type Rescaling = InstanceType<typeof Rescaling>;
