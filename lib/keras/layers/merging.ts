/**
 * Keras's merge layers (`Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`,
 * `Concatenate`, `Dot`): called on a list of tensors, `layer.apply([a, b])`.
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type {
  Add as TfAdd,
  Average as TfAverage,
  Concatenate as TfConcatenate,
  ConcatenateLayerArgs,
  Dot as TfDot,
  DotLayerArgs,
  Maximum as TfMaximum,
  Minimum as TfMinimum,
  Multiply as TfMultiply,
} from "@tensorflow/tfjs-layers/dist/layers/merge.js";
import { kerasLayerClass } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { registerWrittenLayer, layerArgsFromConfig } from "./written-layers.js";

/** A merge layer maps a list of tensors to one: symbolic in, symbolic out. */
export interface MergeApply {
  apply(inputs: tfl.SymbolicTensor[], kwargs?: Record<string, unknown>): tfl.SymbolicTensor;
  apply(inputs: tfc.Tensor[], kwargs?: Record<string, unknown>): tfc.Tensor;
}

/** Python `Add(**kwargs)`. */
export const Add = kerasLayerClass<typeof TfAdd, LayerArgs, [], MergeApply>("Add");
export type Add = InstanceType<typeof Add>;
/** Python `Multiply(**kwargs)`. */
export const Multiply = kerasLayerClass<typeof TfMultiply, LayerArgs, [], MergeApply>("Multiply");
export type Multiply = InstanceType<typeof Multiply>;
/** Python `Average(**kwargs)`. */
export const Average = kerasLayerClass<typeof TfAverage, LayerArgs, [], MergeApply>("Average");
export type Average = InstanceType<typeof Average>;
/** Python `Maximum(**kwargs)`. */
export const Maximum = kerasLayerClass<typeof TfMaximum, LayerArgs, [], MergeApply>("Maximum");
export type Maximum = InstanceType<typeof Maximum>;
/** Python `Minimum(**kwargs)`. */
export const Minimum = kerasLayerClass<typeof TfMinimum, LayerArgs, [], MergeApply>("Minimum");
export type Minimum = InstanceType<typeof Minimum>;
/** Python `Concatenate(axis=-1, **kwargs)`. */
export const Concatenate = kerasLayerClass<typeof TfConcatenate, ConcatenateLayerArgs, [axis: number], MergeApply>("Concatenate", ["axis"]);
export type Concatenate = InstanceType<typeof Concatenate>;
/** Python `Dot(axes, normalize=False, **kwargs)`. */
export const Dot = kerasLayerClass<typeof TfDot, DotLayerArgs, [axes: number | [number, number]], MergeApply>("Dot", ["axes"], {}, ["axes"]);
export type Dot = InstanceType<typeof Dot>;

/** Python `Subtract(**kwargs)`: `inputs[0] - inputs[1]` (tfjs-layers has no such layer). */
export class Subtract extends Layer {
  static readonly className = "Subtract";
  constructor(options: LayerArgs = {}) {
    super(options);
  }
  override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) {
      throw new Error(`Subtract takes a list of exactly 2 tensors, layer.apply([a, b]); got ${Array.isArray(inputs) ? inputs.length : 1}.`);
    }
    return tfc.sub(inputs[0]!, inputs[1]!);
  }
  static override fromConfig(config: Record<string, unknown>): Subtract {
    return new Subtract(layerArgsFromConfig(config));
  }
}
registerWrittenLayer(Subtract);
