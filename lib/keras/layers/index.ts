/**
 * Keras layers: the tfjs-layers classes under their Keras names, constructible the Python way —
 * positional arguments first, keyword arguments as one trailing options object — or with all options.
 *
 * @example
 * new keras.layers.Dense(512, { activation: "relu", inputShape: [784] });
 * new keras.layers.Dense({ units: 512 });
 */
import type { InputLayer as TfInputLayer, InputLayerArgs } from "@tensorflow/tfjs-layers/dist/engine/input_layer.js";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type {
  Activation as TfActivation,
  ActivationLayerArgs,
  Dense as TfDense,
  DenseLayerArgs,
  Dropout as TfDropout,
  DropoutLayerArgs,
  Flatten as TfFlatten,
  FlattenLayerArgs,
  Reshape as TfReshape,
  ReshapeLayerArgs,
} from "@tensorflow/tfjs-layers/dist/layers/core.js";
import type { Conv2D as TfConv2D, ConvLayerArgs } from "@tensorflow/tfjs-layers/dist/layers/convolutional.js";
import type { Embedding as TfEmbedding, EmbeddingLayerArgs } from "@tensorflow/tfjs-layers/dist/layers/embeddings.js";
import type { BatchNormalization as TfBatchNormalization, BatchNormalizationLayerArgs } from "@tensorflow/tfjs-layers/dist/layers/normalization.js";
import type { MaxPooling2D as TfMaxPooling2D, Pooling2DLayerArgs } from "@tensorflow/tfjs-layers/dist/layers/pooling.js";
import type { GRU as TfGRU, GRULayerArgs, LSTM as TfLSTM, LSTMLayerArgs } from "@tensorflow/tfjs-layers/dist/layers/recurrent.js";
import type * as tfc from "@tensorflow/tfjs-core";
import { withKerasName } from "../../util/naming.js";
import { registeredLayerClass } from "./registered-class.js";
import "./gru.js";
import { registerKerasClassesByClassName } from "../saving/keras-json/keras-classes.js";
import type { ActivationFunction, WithActivationFunctions } from "./function-activation.js";

/** Python `keras.layers.serialize(layer)` / `keras.layers.deserialize(config, { customObjects })`. */
export { serialize, deserialize } from "../saving/serialization.js";

export type { LayerArgs };
/** The base class for custom layers (Python `keras.layers.Layer`): build/call/addWeight/getConfig, attribute tracking. */
export { Layer, type AddWeightOptions, type BaseLayerConfig } from "./layer.js";

/** A nested `{class_name, config}` in a layer config (initializers, regularizers, constraints). */
export type SerializedObjectConfig = { class_name: string; config: tfc.serialization.ConfigDict };
/** Fields every Keras layer config has (Python `Layer.get_config()`), plus the layer's own. */
export type LayerConfig = { name: string; trainable: boolean; dtype: string; [key: string]: tfc.serialization.ConfigDictValue };
/** Python `Dense.get_config()`. */
export type DenseConfig = LayerConfig & {
  units: number;
  activation: string;
  use_bias: boolean;
  kernel_initializer: SerializedObjectConfig;
  bias_initializer: SerializedObjectConfig;
};
/** Python `Dropout.get_config()`. */
export type DropoutConfig = LayerConfig & { rate: number };
/** Python `Conv2D.get_config()`. */
export type Conv2DConfig = LayerConfig & { filters: number; kernel_size: number[]; strides: number[]; padding: string; activation: string; use_bias: boolean };
/** Python `LSTM.get_config()`. */
export type LSTMConfig = LayerConfig & { units: number; activation: string; recurrent_activation: string; return_sequences: boolean };
/** Python `Embedding.get_config()`. */
export type EmbeddingConfig = LayerConfig & { input_dim: number; output_dim: number };

/** Keras's defaults where tfjs-layers picked others (see registeredLayerClass): glorot_uniform kernels, sigmoid gates, GRU's reset_after. */
const kernelDefaults = { kernelInitializer: "glorotUniform" };
const recurrentDefaults = { ...kernelDefaults, recurrentActivation: "sigmoid" };

/** Options without the fields given positionally. */
type Rest<Args, Positional extends keyof Args> = Omit<Args, Positional> & Partial<Pick<Args, Positional>>;

/** Dense options; `activation` may also be a TypeScript function of a tensor. */
export type DenseArgs = WithActivationFunctions<DenseLayerArgs>;
/** Conv2D options; `activation` may also be a TypeScript function of a tensor. */
export type Conv2DArgs = WithActivationFunctions<ConvLayerArgs>;
/** LSTM options; `activation` and `recurrentActivation` may also be TypeScript functions of a tensor. */
export type LSTMArgs = WithActivationFunctions<LSTMLayerArgs>;
/** GRU options (plus Keras's `resetAfter`); activations may also be TypeScript functions of a tensor. */
export type GRUArgs = WithActivationFunctions<GRULayerArgs> & { resetAfter?: boolean };
/** Activation options; `activation` may also be a TypeScript function of a tensor. */
export type ActivationArgs = WithActivationFunctions<ActivationLayerArgs>;
export type { ActivationFunction };

/** Python `Dense(units, **kwargs)`. */
export class Dense extends registeredLayerClass<typeof TfDense>("Dense", kernelDefaults) {
  constructor(units: number, options?: Rest<DenseArgs, "units">);
  constructor(options: DenseArgs);
  constructor(first: number | DenseArgs, options: Rest<DenseArgs, "units"> = {}) {
    // Function activations are wrapped for tfjs by the registered class's constructor.
    super(withKerasName(typeof first === "number" ? { ...options, units: first } : first, "Dense") as DenseLayerArgs);
  }
  /** Python `get_config()`, with its known fields typed. */
  override getConfig(): DenseConfig {
    return super.getConfig() as DenseConfig;
  }
}

/** Python `Dropout(rate, **kwargs)`. */
export class Dropout extends registeredLayerClass<typeof TfDropout>("Dropout") {
  constructor(rate: number, options?: Rest<DropoutLayerArgs, "rate">);
  constructor(options: DropoutLayerArgs);
  constructor(first: number | DropoutLayerArgs, options: Rest<DropoutLayerArgs, "rate"> = {}) {
    super(withKerasName(typeof first === "number" ? { ...options, rate: first } : first, "Dropout"));
  }
  /** Python `get_config()`, with its known fields typed. */
  override getConfig(): DropoutConfig {
    return super.getConfig() as DropoutConfig;
  }
}

/** Python `Flatten(**kwargs)`. */
export class Flatten extends registeredLayerClass<typeof TfFlatten>("Flatten") {
  constructor(options: FlattenLayerArgs = {}) {
    super(withKerasName(options, "Flatten"));
  }
  /** Python `get_config()`, with its known fields typed. */
  override getConfig(): LayerConfig {
    return super.getConfig() as LayerConfig;
  }
}

/** Keras 3's snake_case activation names (`keras.activations`), accepted besides tfjs's spellings. */
export type KerasActivationName = "hard_sigmoid" | "log_softmax" | "hard_silu" | "hard_swish" | "silu" | "leaky_relu" | "exponential";
type ActivationName = ActivationLayerArgs["activation"] | KerasActivationName | ActivationFunction;
/** Python `Activation(activation, **kwargs)`. */
export class Activation extends registeredLayerClass<typeof TfActivation>("Activation") {
  constructor(activation: ActivationName, options?: Rest<ActivationArgs, "activation">);
  constructor(options: ActivationArgs);
  constructor(first: ActivationName | ActivationArgs, options: Rest<ActivationArgs, "activation"> = {}) {
    const args = typeof first === "string" || typeof first === "function" ? { ...options, activation: first } : first;
    super(withKerasName(args, "Activation") as ActivationLayerArgs);
  }
  /** Python `get_config()`, with its known fields typed. */
  override getConfig(): LayerConfig & { activation: string } {
    return super.getConfig() as LayerConfig & { activation: string };
  }
}

/** Python `Reshape(target_shape, **kwargs)`. */
export class Reshape extends registeredLayerClass<typeof TfReshape>("Reshape") {
  constructor(targetShape: number[], options?: Rest<ReshapeLayerArgs, "targetShape">);
  constructor(options: ReshapeLayerArgs);
  constructor(first: number[] | ReshapeLayerArgs, options: Rest<ReshapeLayerArgs, "targetShape"> = {}) {
    super(withKerasName(Array.isArray(first) ? { ...options, targetShape: first } : first, "Reshape"));
  }
  /** Python `get_config()`, with its known fields typed. */
  override getConfig(): LayerConfig & { target_shape: number[] } {
    return super.getConfig() as LayerConfig & { target_shape: number[] };
  }
}

/** Python `Conv2D(filters, kernel_size, **kwargs)`. */
export class Conv2D extends registeredLayerClass<typeof TfConv2D>("Conv2D", kernelDefaults) {
  constructor(filters: number, kernelSize: number | number[], options?: Rest<Conv2DArgs, "filters" | "kernelSize">);
  constructor(options: Conv2DArgs);
  constructor(first: number | Conv2DArgs, kernelSize?: number | number[], options: Rest<Conv2DArgs, "filters" | "kernelSize"> = {}) {
    if (typeof first === "number" && kernelSize === undefined) {
      throw new Error("Conv2D(filters, kernelSize) needs a kernel size, e.g. new keras.layers.Conv2D(32, 3) or new keras.layers.Conv2D(32, [3, 3]).");
    }
    super(withKerasName(typeof first === "number" ? { ...options, filters: first, kernelSize: kernelSize! } : first, "Conv2D") as ConvLayerArgs);
  }
  /** Python `get_config()`, with its known fields typed. */
  override getConfig(): Conv2DConfig {
    return super.getConfig() as Conv2DConfig;
  }
}

/** Python `MaxPooling2D(pool_size=(2, 2), **kwargs)`. */
export class MaxPooling2D extends registeredLayerClass<typeof TfMaxPooling2D>("MaxPooling2D") {
  constructor(poolSize?: number | [number, number], options?: Pooling2DLayerArgs);
  constructor(options: Pooling2DLayerArgs);
  constructor(first?: number | [number, number] | Pooling2DLayerArgs, options: Pooling2DLayerArgs = {}) {
    const all = typeof first === "number" || Array.isArray(first) ? { ...options, poolSize: first } : { ...(first ?? options) };
    super(withKerasName({ poolSize: [2, 2] as [number, number], ...all }, "MaxPooling2D"));
  }
  /** Python `get_config()`, with its known fields typed. */
  override getConfig(): LayerConfig & { pool_size: number[]; strides: number[]; padding: string } {
    return super.getConfig() as LayerConfig & { pool_size: number[]; strides: number[]; padding: string };
  }
}

/** Python `LSTM(units, **kwargs)`. */
export class LSTM extends registeredLayerClass<typeof TfLSTM>("LSTM", { ...recurrentDefaults, unitForgetBias: true }) {
  constructor(units: number, options?: Rest<LSTMArgs, "units">);
  constructor(options: LSTMArgs);
  constructor(first: number | LSTMArgs, options: Rest<LSTMArgs, "units"> = {}) {
    super(withKerasName(typeof first === "number" ? { ...options, units: first } : first, "LSTM") as LSTMLayerArgs);
  }
  /** Python `get_config()`, with its known fields typed. */
  override getConfig(): LSTMConfig {
    return super.getConfig() as LSTMConfig;
  }
}

/** Python `GRU(units, **kwargs)`; `resetAfter` defaults to true as in Keras (see ./gru.ts). */
export class GRU extends registeredLayerClass<typeof TfGRU>("GRU", { ...recurrentDefaults, resetAfter: true }) {
  constructor(units: number, options?: Rest<GRUArgs, "units">);
  constructor(options: GRUArgs);
  constructor(first: number | GRUArgs, options: Rest<GRUArgs, "units"> = {}) {
    super(withKerasName(typeof first === "number" ? { ...options, units: first } : first, "GRU") as GRULayerArgs);
  }
  /** Python `get_config()`, with its known fields typed. */
  override getConfig(): LSTMConfig & { reset_after: boolean } {
    return super.getConfig() as LSTMConfig & { reset_after: boolean };
  }
}

/** Python `Embedding(input_dim, output_dim, **kwargs)`. */
export class Embedding extends registeredLayerClass<typeof TfEmbedding>("Embedding", { maskZero: false }) {
  constructor(inputDim: number, outputDim: number, options?: Rest<EmbeddingLayerArgs, "inputDim" | "outputDim">);
  constructor(options: EmbeddingLayerArgs);
  constructor(first: number | EmbeddingLayerArgs, outputDim?: number, options: Rest<EmbeddingLayerArgs, "inputDim" | "outputDim"> = {}) {
    if (typeof first === "number" && outputDim === undefined) {
      throw new Error("Embedding(inputDim, outputDim) needs both sizes, e.g. new keras.layers.Embedding(10000, 16).");
    }
    super(withKerasName(typeof first === "number" ? { ...options, inputDim: first, outputDim: outputDim! } : first, "Embedding"));
  }
  /** Python `get_config()`, with its known fields typed. */
  override getConfig(): EmbeddingConfig {
    return super.getConfig() as EmbeddingConfig;
  }
}

/** Python `BatchNormalization(**kwargs)`. */
export class BatchNormalization extends registeredLayerClass<typeof TfBatchNormalization>("BatchNormalization") {
  constructor(options: BatchNormalizationLayerArgs = {}) {
    super(withKerasName(options, "BatchNormalization"));
  }
  /** Python `get_config()`, with its known fields typed. */
  override getConfig(): LayerConfig & { axis: number; momentum: number; epsilon: number } {
    return super.getConfig() as LayerConfig & { axis: number; momentum: number; epsilon: number };
  }
}

/** Python `InputLayer(input_shape=..., **kwargs)`. */
export class InputLayer extends registeredLayerClass<typeof TfInputLayer>("InputLayer") {
  constructor(options: InputLayerArgs) {
    super(withKerasName(options, "InputLayer"));
  }
}

// The rest of Keras's catalog, one file per family; tfjs-backed classes via kerasLayerClass, the others written on Layer.
export { Conv2D as Convolution2D, MaxPooling2D as MaxPool2D };
export * from "./merging.js";
export * from "./convolutional.js";
export * from "./pooling.js";
export * from "./recurrent.js";
export * from "./reshaping.js";
export * from "./activation-layers.js";
export * from "./regularization.js";
export * from "./core-layers.js";
export * from "./normalization.js";
export { EinsumDense, type EinsumDenseArgs } from "./einsum-dense.js";
export { MultiHeadAttention, type MultiHeadAttentionArgs, type MultiHeadAttentionCallOptions } from "./multi-head-attention.js";
export { Attention, type AttentionArgs } from "./attention.js";
export * from "./preprocessing.js";
import * as mergingLayers from "./merging.js";
import * as convolutionalLayers from "./convolutional.js";
import * as poolingLayers from "./pooling.js";
import * as recurrentLayers from "./recurrent.js";
import * as reshapingLayers from "./reshaping.js";
import * as activationLayers from "./activation-layers.js";
import * as regularizationLayers from "./regularization.js";
import * as coreLayers from "./core-layers.js";
import * as normalizationLayers from "./normalization.js";
import * as preprocessingLayers from "./preprocessing.js";
import { EinsumDense as EinsumDenseLayer } from "./einsum-dense.js";
import { MultiHeadAttention as MultiHeadAttentionLayer } from "./multi-head-attention.js";
import { Attention as AttentionLayer } from "./attention.js";
// Written layers of the catalog (branch layers-a): adaptive pooling, 3D reshaping, spatial dropout, 1D convolutions, preprocessing.
export * from "./adaptive-pooling.js";
export * from "./reshaping-3d.js";
export * from "./spatial-dropout.js";
export * from "./convolutional-1d.js";
export * from "./image-preprocessing.js";
export * from "./data-preprocessing.js";
import * as adaptivePoolingLayers from "./adaptive-pooling.js";
import * as reshaping3DLayers from "./reshaping-3d.js";
import * as spatialDropoutLayers from "./spatial-dropout.js";
import * as convolutional1DLayers from "./convolutional-1d.js";
import * as imagePreprocessingLayers from "./image-preprocessing.js";
import * as dataPreprocessingLayers from "./data-preprocessing.js";
registerKerasClassesByClassName(
  [adaptivePoolingLayers, reshaping3DLayers, spatialDropoutLayers, convolutional1DLayers, imagePreprocessingLayers, dataPreprocessingLayers].flatMap((family) =>
    Object.values(family),
  ),
);

// Every Keras layer class registers itself under its Keras class name, so configs rebuild with it.
registerKerasClassesByClassName([
  Dense,
  Dropout,
  Flatten,
  Activation,
  Reshape,
  Conv2D,
  MaxPooling2D,
  LSTM,
  GRU,
  Embedding,
  BatchNormalization,
  InputLayer,
  EinsumDenseLayer,
  MultiHeadAttentionLayer,
  AttentionLayer,
  ...[
    mergingLayers,
    convolutionalLayers,
    poolingLayers,
    recurrentLayers,
    reshapingLayers,
    activationLayers,
    regularizationLayers,
    coreLayers,
    normalizationLayers,
    preprocessingLayers,
  ].flatMap((family) => Object.values(family)),
]);

// Layers of issue #22's second share (recurrent cells, attention variants, audio, wrappers), one file per concept.
export * from "./rnn-cells.js";
export { AdditiveAttention, type AdditiveAttentionArgs } from "./additive-attention.js";
export { ConvLSTM1D, ConvLSTM3D, type ConvLSTMArgs } from "./conv-lstm.js";
export { GroupQueryAttention, type GroupQueryAttentionArgs, type GroupQueryAttentionCallOptions } from "./group-query-attention.js";
export { ReversibleEmbedding, type ReversibleEmbeddingArgs, type ReversibleEmbeddingCallOptions } from "./reversible-embedding.js";
export { SpectralNormalization, type SpectralNormalizationArgs } from "./spectral-normalization.js";
import * as rnnCellLayers from "./rnn-cells.js";
import * as convLstmLayers from "./conv-lstm.js";
import { AdditiveAttention as AdditiveAttentionLayer } from "./additive-attention.js";
import { ReversibleEmbedding as ReversibleEmbeddingLayer } from "./reversible-embedding.js";
import { SpectralNormalization as SpectralNormalizationLayer } from "./spectral-normalization.js";
import { GroupQueryAttention as GroupQueryAttentionLayer } from "./group-query-attention.js";
registerKerasClassesByClassName([
  AdditiveAttentionLayer,
  ReversibleEmbeddingLayer,
  SpectralNormalizationLayer,
  GroupQueryAttentionLayer,
  ...[rnnCellLayers, convLstmLayers].flatMap((family) => Object.values(family)),
]);

// Audio preprocessing (issue #22): spectrogram front ends.
export { MelSpectrogram, type MelSpectrogramArgs, STFTSpectrogram, type STFTSpectrogramArgs } from "./audio-preprocessing.js";
import { MelSpectrogram as MelSpectrogramLayer, STFTSpectrogram as STFTSpectrogramLayer } from "./audio-preprocessing.js";
registerKerasClassesByClassName([MelSpectrogramLayer, STFTSpectrogramLayer]);
