/**
 * Keras's recurrent layers and wrappers backed by tfjs-layers (LSTM and GRU, with Keras's defaults and
 * GRU's `reset_after`, are in index.ts and gru.ts). Their numbers against Keras
 * (GRU's `reset_after=True` default, Bidirectional weight order) are checked by the layer catalog test.
 */
import type { RNNCell, RNN as TfRNN, RNNLayerArgs, SimpleRNN as TfSimpleRNN, SimpleRNNLayerArgs } from "@tensorflow/tfjs-layers/dist/layers/recurrent.js";
import type { TimeDistributed as TfTimeDistributed, WrapperLayerArgs } from "@tensorflow/tfjs-layers/dist/layers/wrappers.js";
import type { ConvLSTM2D as TfConvLSTM2D, ConvLSTM2DArgs } from "@tensorflow/tfjs-layers/dist/layers/convolutional_recurrent.js";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { WithActivationFunctions } from "./function-activation.js";
import * as tfc from "@tensorflow/tfjs-core";
import type { JsonValue, KerasObjectConfig } from "../../formats/keras-json/schema.js";
import { toTfjsConfig } from "../saving/keras-json/case-conversion.js";
import { normalizeKerasConfig } from "../saving/keras-json/normalize.js";
import { markLibraryClass } from "../library-classes.js";
import { kerasLayerClass, optionsFromArguments } from "./keras-layer-class.js";
import { type Keras3WeightLayout, writtenLayerClass } from "./written-layers.js";

const kerasRecurrentDefaults = { kernelInitializer: "glorotUniform", recurrentInitializer: "orthogonal", biasInitializer: "zeros" };

/** Python `SimpleRNN(units, **kwargs)`. */
export const SimpleRNN = kerasLayerClass<typeof TfSimpleRNN, WithActivationFunctions<SimpleRNNLayerArgs>, [units: number]>(
  "SimpleRNN",
  ["units"],
  kerasRecurrentDefaults,
  ["units"],
);
export type SimpleRNN = InstanceType<typeof SimpleRNN>;
/** Python `RNN(cell, **kwargs)`. */
export const RNN = kerasLayerClass<typeof TfRNN, RNNLayerArgs, [cell: RNNCell | RNNCell[]]>("RNN", ["cell"], {}, ["cell"]);
export type RNN = InstanceType<typeof RNN>;
/** Python `ConvLSTM2D(filters, kernel_size, **kwargs)`. */
export const ConvLSTM2D = kerasLayerClass<typeof TfConvLSTM2D, WithActivationFunctions<ConvLSTM2DArgs>, [filters: number, kernelSize: number | number[]]>(
  "ConvLSTM2D",
  ["filters", "kernelSize"],
  { ...kerasRecurrentDefaults, recurrentActivation: "sigmoid", unitForgetBias: true },
  ["filters", "kernelSize"],
);
export type ConvLSTM2D = InstanceType<typeof ConvLSTM2D>;
/** Python `Bidirectional(layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs)`. */
export { Bidirectional, type BidirectionalArgs } from "./bidirectional.js";
/** Python `TimeDistributed(layer, **kwargs)`. */
const TimeDistributedBase = kerasLayerClass<typeof TfTimeDistributed, WrapperLayerArgs, [layer: tfl.layers.Layer]>("TimeDistributed", ["layer"], {}, ["layer"]);
/** Python `TimeDistributed(layer, **kwargs)`; in `.keras` files its variables are the wrapped layer's (`layer/vars/…`). */
export class TimeDistributed extends TimeDistributedBase implements Keras3WeightLayout {
  keras3WeightPaths(): { weights: string[]; emptyGroups: string[] } {
    const inner = (this as unknown as { layer: tfl.layers.Layer }).layer;
    const cell = ["LSTM", "GRU", "SimpleRNN"].includes(inner.getClassName()) ? "cell/" : "";
    return { weights: inner.weights.map((_weight, index) => `layer/${cell}vars/${index}`), emptyGroups: [] };
  }
}
