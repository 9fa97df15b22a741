/**
 * Python `keras.layers.ReversibleEmbedding(input_dim, output_dim, tie_weights=True, ...)`: an Embedding
 * that also runs backwards, from vectors to logits over the vocabulary (a language model's output
 * head sharing the input embedding). `apply(ids)` looks up rows of `embeddings`; `apply(x, { reverse:
 * true })` computes `x · embeddingsᵀ` (or `x · reverse_embeddings` when `tieWeights` is false), with
 * logits soft-capped as `cap · tanh(logits / cap)` when `logitSoftCap` is set.
 *
 * @example
 * const embedding = new keras.layers.ReversibleEmbedding(1000, 64);
 * const vectors = embedding.apply(ids);                    // [batch, steps, 64]
 * const logits = embedding.apply(hidden, { reverse: true }); // [batch, steps, 1000]
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type { Variable } from "../../tf/variable.js";
import { initializerNameOf } from "./einsum-dense.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

export interface ReversibleEmbeddingArgs extends LayerArgs {
  inputDim?: number;
  outputDim?: number;
  /** Reverse with the transposed `embeddings` (default) or with a separate `reverse_embeddings` weight. */
  tieWeights?: boolean;
  /** Keras's `"uniform"` (RandomUniform(-0.05, 0.05), the default) or another initializer name. */
  embeddingsInitializer?: string;
  /** Input id 0 is padding: the forward output carries a mask. */
  maskZero?: boolean;
  /** Only the layer's own dtype (null) or float32 is supported. */
  reverseDtype?: string | null;
  logitSoftCap?: number | null;
}

/** Call options: Keras's `reverse`. */
export interface ReversibleEmbeddingCallOptions {
  reverse?: boolean;
}

const uniformDefault = { minval: -0.05, maxval: 0.05 };

/** Python `ReversibleEmbedding(input_dim, output_dim, **kwargs)`. */
export class ReversibleEmbedding extends Layer {
  static readonly className = "ReversibleEmbedding";
  readonly inputDim: number;
  readonly outputDim: number;
  readonly tieWeights: boolean;
  readonly embeddingsInitializerName: string;
  readonly maskZero: boolean;
  readonly logitSoftCap: number | null;
  embeddings?: Variable;
  reverseEmbeddings?: Variable;

  constructor(inputDim: number, outputDim: number, options?: ReversibleEmbeddingArgs);
  constructor(options: ReversibleEmbeddingArgs);
  constructor(...args: unknown[]) {
    const {
      inputDim,
      outputDim,
      tieWeights = true,
      embeddingsInitializer = "uniform",
      maskZero = false,
      reverseDtype = null,
      logitSoftCap = null,
      ...rest
    } = optionsFromArguments("ReversibleEmbedding", ["inputDim", "outputDim"], args) as ReversibleEmbeddingArgs;
    if (!inputDim || !outputDim) throw new Error("ReversibleEmbedding needs inputDim and outputDim, e.g. new keras.layers.ReversibleEmbedding(1000, 64).");
    if (reverseDtype !== null && reverseDtype !== "float32")
      throw new Error(`ReversibleEmbedding reverseDtype "${reverseDtype}" is not supported; tskeras computes the reverse pass in float32 (reverseDtype null).`);
    super(rest);
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.tieWeights = tieWeights;
    this.embeddingsInitializerName = embeddingsInitializer;
    this.maskZero = maskZero;
    this.logitSoftCap = logitSoftCap;
  }

  override build(): void {
    const uniform = this.embeddingsInitializerName === "uniform" || this.embeddingsInitializerName === "random_uniform";
    const initializer = () => (uniform ? tfl.initializers.randomUniform(uniformDefault) : this.embeddingsInitializerName);
    this.embeddings = this.addWeight({ name: "embeddings", shape: [this.inputDim, this.outputDim], initializer: initializer() });
    if (!this.tieWeights)
      this.reverseEmbeddings = this.addWeight({ name: "reverse_embeddings", shape: [this.outputDim, this.inputDim], initializer: initializer() });
  }

  override call(inputs: tfc.Tensor, kwargs: ReversibleEmbeddingCallOptions = {}): tfc.Tensor {
    return tfc.tidy(() => {
      if (!kwargs.reverse) return tfc.gather(this.embeddings!.read(), tfc.cast(inputs, "int32"));
      const kernel = this.tieWeights ? tfc.transpose(this.embeddings!.read()) : this.reverseEmbeddings!.read();
      const logits = tfc.matMul(tfc.reshape(inputs, [-1, this.outputDim]), kernel);
      const shaped = tfc.reshape(logits, [...inputs.shape.slice(0, -1), this.inputDim]);
      return this.logitSoftCap === null ? shaped : tfc.mul(tfc.tanh(tfc.div(shaped, this.logitSoftCap)), this.logitSoftCap);
    });
  }

  override computeMask(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
    // tfjs's "no mask" is null, which its typings leave out.
    if (!this.maskZero) return null as unknown as tfc.Tensor;
    return tfc.notEqual(Array.isArray(inputs) ? inputs[0]! : inputs, 0);
  }

  override computeOutputShape(inputShape: tfl.Shape): tfl.Shape {
    return [...inputShape, this.outputDim];
  }

  override getConfig(): tfc.serialization.ConfigDict {
    const uniform = this.embeddingsInitializerName === "uniform" || this.embeddingsInitializerName === "random_uniform";
    const className = this.embeddingsInitializerName.replace(/(^|_)([a-z])/g, (_match, _underscore: string, letter: string) => letter.toUpperCase());
    return {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: uniform
        ? { class_name: "RandomUniform", config: { seed: null, ...uniformDefault } }
        : { class_name: className, config: { seed: null } },
      embeddings_regularizer: null,
      activity_regularizer: null,
      embeddings_constraint: null,
      mask_zero: this.maskZero,
      quantization_config: null,
      tie_weights: this.tieWeights,
      reverse_dtype: null,
      logit_soft_cap: this.logitSoftCap,
    };
  }

  static override fromConfig(config: Record<string, unknown>): ReversibleEmbedding {
    const initializer = config["embeddings_initializer"] as { class_name?: string } | string | undefined;
    const uniform = initializer === undefined || initializer === "uniform" || (typeof initializer === "object" && initializer.class_name === "RandomUniform");
    return new ReversibleEmbedding({
      ...layerArgsFromConfig(config),
      inputDim: config["input_dim"] as number,
      outputDim: config["output_dim"] as number,
      tieWeights: (config["tie_weights"] as boolean | undefined) ?? true,
      embeddingsInitializer: uniform ? "uniform" : initializerNameOf(initializer, "uniform"),
      maskZero: (config["mask_zero"] as boolean | undefined) ?? false,
      reverseDtype: (config["reverse_dtype"] as string | null | undefined) ?? null,
      logitSoftCap: (config["logit_soft_cap"] as number | null | undefined) ?? null,
    });
  }
}
registerWrittenLayer(ReversibleEmbedding);
