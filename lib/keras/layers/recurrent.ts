/**
 * Keras's recurrent layers and wrappers backed by tfjs-layers (LSTM and GRU, with Keras's defaults and
 * GRU's `reset_after`, are in index.ts and gru.ts). Their numbers against Keras
 * (GRU's `reset_after=True` default, Bidirectional weight order) are checked by the layer catalog test.
 */
import type { RNNCell, RNN as TfRNN, RNNLayerArgs, SimpleRNN as TfSimpleRNN, SimpleRNNLayerArgs } from "@tensorflow/tfjs-layers/dist/layers/recurrent.js";
import type {
  Bidirectional as TfBidirectional,
  BidirectionalLayerArgs,
  TimeDistributed as TfTimeDistributed,
  WrapperLayerArgs,
} from "@tensorflow/tfjs-layers/dist/layers/wrappers.js";
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
/** Python `Bidirectional(layer, merge_mode="concat", **kwargs)`. */
const BidirectionalBase = kerasLayerClass<typeof TfBidirectional, BidirectionalLayerArgs, [layer: tfl.RNN]>("Bidirectional", ["layer", "mergeMode"], {}, [
  "layer",
]);
/**
 * Python `Bidirectional(layer, merge_mode="concat", **kwargs)`. tfjs copies the wrapped layer through
 * `getConfig()` and its camelCase deserializer; tskeras's recurrent layers answer `getConfig()` in
 * Keras's snake_case, so the copies lost `return_sequences`, `return_state`, activations… They are
 * made again here from the converted config (layers written in tskeras keep tfjs's copies).
 */
export class Bidirectional extends BidirectionalBase {
  constructor(...args: ConstructorParameters<typeof BidirectionalBase>) {
    super(...args);
    const wrapped = (optionsFromArguments("Bidirectional", ["layer", "mergeMode"], args) as { layer?: tfl.layers.Layer }).layer;
    if (!wrapped || writtenLayerClass(wrapped.getClassName())) return;
    const self = this as unknown as { forwardLayer: tfl.RNN; backwardLayer: tfl.RNN; returnSequences: boolean; returnState: boolean };
    const copy = (goBackwards: boolean, prefix: string) => {
      // The path a loaded file's config takes: Keras spelling normalized, then tfjs's camelCase.
      const keras = normalizeKerasConfig({ class_name: wrapped.getClassName(), config: wrapped.getConfig() } as unknown as KerasObjectConfig);
      const config = (toTfjsConfig(keras as unknown as JsonValue) as { config: tfc.serialization.ConfigDict }).config;
      config["goBackwards"] = goBackwards;
      const [cls, fromConfig] = tfc.serialization.SerializationMap.getMap().classNameMap[wrapped.getClassName()]!;
      const layer = fromConfig(cls, config) as tfl.RNN;
      // Keras's naming: the prefix once ("forward_gru" stays "forward_gru" when reloaded).
      layer.name = prefix + (layer.name.startsWith(prefix) ? layer.name.slice(prefix.length) : layer.name);
      return layer;
    };
    const forwards = (wrapped as tfl.RNN).goBackwards === true;
    self.forwardLayer = copy(forwards, "forward_");
    self.backwardLayer = copy(!forwards, "backward_");
  }
}
markLibraryClass(Bidirectional);
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
