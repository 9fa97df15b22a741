/**
 * Python `keras.layers.MultiHeadAttention(num_heads, key_dim, value_dim=None, dropout=0.0, ...)`,
 * with Keras 3's structure: `query`, `key`, `value` and `attention_output` EinsumDense sublayers
 * (kernel, bias each), saved as `query_dense/vars/…` etc. in `.keras` files.
 *
 * @example
 * const attention = new keras.layers.MultiHeadAttention(4, 16);
 * const y = attention.apply([x, x]);             // self-attention: [query, value]
 * attention.apply([q, v], { useCausalMask: true });
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import { EinsumDense, initializerNameOf } from "./einsum-dense.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { initializerConfig, layerArgsFromConfig, registerWrittenLayer, type Keras3CallConvention, type Keras3WeightLayout } from "./written-layers.js";
import { queryValueArguments, withoutRepeatedInput } from "./attention-call.js";

export interface MultiHeadAttentionArgs extends LayerArgs {
  numHeads?: number;
  keyDim?: number;
  /** Default: keyDim. */
  valueDim?: number | null;
  dropout?: number;
  useBias?: boolean;
  /** The last axis of the output; default the query's last axis. */
  outputShape?: number | null;
  kernelInitializer?: string;
  biasInitializer?: string;
}

/** Call options: Keras's `attention_mask`, `use_causal_mask`, `training`. */
export interface MultiHeadAttentionCallOptions {
  attentionMask?: tfc.Tensor;
  useCausalMask?: boolean;
  use_causal_mask?: boolean;
  training?: boolean;
}

/** Python `MultiHeadAttention(num_heads, key_dim, **kwargs)`; call it on `[query, value]` or `[query, value, key]`. */
export class MultiHeadAttention extends Layer implements Keras3WeightLayout, Keras3CallConvention {
  static readonly className = "MultiHeadAttention";
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropoutRate: number;
  readonly useBias: boolean;
  readonly outputSize: number | null;
  readonly kernelInitializerName: string;
  readonly biasInitializerName: string;
  queryDense?: EinsumDense;
  keyDense?: EinsumDense;
  valueDense?: EinsumDense;
  outputDense?: EinsumDense;

  constructor(numHeads: number, keyDim: number, options?: MultiHeadAttentionArgs);
  constructor(options: MultiHeadAttentionArgs);
  constructor(...args: unknown[]) {
    const {
      numHeads,
      keyDim,
      valueDim,
      dropout = 0,
      useBias = true,
      outputShape = null,
      kernelInitializer = "glorot_uniform",
      biasInitializer = "zeros",
      ...rest
    } = optionsFromArguments("MultiHeadAttention", ["numHeads", "keyDim"], args) as MultiHeadAttentionArgs;
    if (!numHeads || !keyDim) throw new Error("MultiHeadAttention needs numHeads and keyDim, e.g. new keras.layers.MultiHeadAttention(4, 16).");
    super(rest);
    this.numHeads = numHeads;
    this.keyDim = keyDim;
    this.valueDim = valueDim ?? keyDim;
    this.dropoutRate = dropout;
    this.useBias = useBias;
    this.outputSize = outputShape;
    this.kernelInitializerName = kernelInitializer;
    this.biasInitializerName = biasInitializer;
  }

  /** Self-attention `apply([x, x])` is recorded with `x` once (see withoutRepeatedInput). */
  override apply(inputs: any, kwargs?: any): any {
    return super.apply(withoutRepeatedInput(inputs), kwargs);
  }

  /** Keras 3 calls `layer(query, value)` with separate arguments (self-attention names the tensor twice). */
  keras3CallArguments<T>(tensors: T[]): T[] {
    return queryValueArguments(tensors);
  }

  /** Keras builds from `[query_shape, value_shape(, key_shape)]`. */
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape, inputShape]) as Array<Array<number | null>>;
    const [queryShape, valueShape, keyShape = valueShape] = shapes as [Array<number | null>, Array<number | null>, Array<number | null>?];
    const bias = (axes: string) => (this.useBias ? axes : null);
    const dense = (name: string, equation: string, outputShape: Array<number | null>, biasAxes: string | null) =>
      new EinsumDense(equation, outputShape, { name, biasAxes, kernelInitializer: this.kernelInitializerName, biasInitializer: this.biasInitializerName });
    if (queryShape.length !== 3 || valueShape.length !== 3) {
      throw new Error(
        `MultiHeadAttention takes [batch, steps, features] query and value tensors; got shapes [${queryShape.join(", ")}] and [${valueShape.join(", ")}] (attention over other axes is not supported yet).`,
      );
    }
    this.queryDense = dense("query", "abc,cde->abde", [null, this.numHeads, this.keyDim], bias("de"));
    this.queryDense.build(queryShape);
    this.queryDense.built = true;
    this.keyDense = dense("key", "abc,cde->abde", [null, this.numHeads, this.keyDim], bias("de"));
    this.keyDense.build(keyShape!);
    this.keyDense.built = true;
    this.valueDense = dense("value", "abc,cde->abde", [null, this.numHeads, this.valueDim], bias("de"));
    this.valueDense.build(valueShape);
    this.valueDense.built = true;
    const outputSize = this.outputSize ?? queryShape[2]!;
    this.outputDense = dense("attention_output", "abcd,cde->abe", [null, outputSize], bias("e"));
    this.outputDense.build([queryShape[0]!, queryShape[1]!, this.numHeads, this.valueDim]);
    this.outputDense.built = true;
  }

  override call(inputs: tfc.Tensor | tfc.Tensor[], kwargs: MultiHeadAttentionCallOptions = {}): tfc.Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs, inputs];
    if (list.length < 2 || list.length > 3) throw new Error(`MultiHeadAttention takes [query, value] or [query, value, key]; got ${list.length} tensors.`);
    const [query, value, key = value] = list as [tfc.Tensor, tfc.Tensor, tfc.Tensor?];
    return tfc.tidy(() => {
      // [batch, steps, heads, size] → [batch, heads, steps, size]
      const heads = (tensor: tfc.Tensor) => tfc.transpose(tensor, [0, 2, 1, 3]);
      const q = heads(tfc.mul(this.queryDense!.call(query) as tfc.Tensor, 1 / Math.sqrt(this.keyDim)));
      const k = heads(this.keyDense!.call(key!) as tfc.Tensor);
      const v = heads(this.valueDense!.call(value) as tfc.Tensor);
      let scores = tfc.matMul(q, k, false, true); // [batch, heads, query steps, key steps]
      const mask = this.attentionMask(query, key!, kwargs);
      if (mask) scores = tfc.add(scores, tfc.mul(tfc.sub(1, tfc.cast(mask, "float32")), -1e9));
      let weights = tfc.softmax(scores, -1);
      if (kwargs.training === true && this.dropoutRate > 0) weights = tfc.dropout(weights, this.dropoutRate);
      const attended = tfc.transpose(tfc.matMul(weights, v), [0, 2, 1, 3]); // [batch, query steps, heads, value size]
      return this.outputDense!.call(attended) as tfc.Tensor;
    });
  }

  /** `[batch or 1, 1, query steps, key steps]` of 1 (attend) / 0 (masked), or undefined. */
  private attentionMask(query: tfc.Tensor, key: tfc.Tensor, kwargs: MultiHeadAttentionCallOptions): tfc.Tensor | undefined {
    let mask: tfc.Tensor | undefined = kwargs.attentionMask ? tfc.expandDims(tfc.cast(kwargs.attentionMask, "float32"), 1) : undefined;
    if (kwargs.useCausalMask || kwargs.use_causal_mask) {
      const [queryLength, keyLength] = [query.shape[1]!, key.shape[1]!];
      const causal = tfc.reshape(tfc.linalg.bandPart(tfc.ones([queryLength, keyLength]), -1, 0), [1, 1, queryLength, keyLength]);
      mask = mask ? tfc.mul(mask, causal) : causal;
    }
    return mask;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const query = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [query[0]!, query[1]!, this.outputSize ?? query[2]!];
  }

  /** Keras 3's order: query, key, value, attention_output (kernel, then bias, each). */
  override get trainableWeights(): tfl.LayerVariable[] {
    if (!this.trainable || !this.queryDense) return [];
    return [this.queryDense, this.keyDense!, this.valueDense!, this.outputDense!].flatMap((dense) => dense.trainableWeights);
  }
  override set trainableWeights(weights: tfl.LayerVariable[]) {
    super.trainableWeights = weights;
  }

  keras3WeightPaths(): { weights: string[]; emptyGroups: string[] } {
    const count = this.useBias ? 2 : 1;
    const paths = (group: string) => Array.from({ length: count }, (_unused, index) => `${group}/vars/${index}`);
    return {
      weights: ["query_dense", "key_dense", "value_dense", "output_dense"].flatMap(paths),
      emptyGroups: ["vars", "_softmax/vars", "_dropout_layer/vars"],
    };
  }

  keras3BuildConfig(inputShapes: Array<Array<number | null>>): Record<string, unknown> {
    const [query, value, key] = inputShapes;
    return { shapes_dict: { query_shape: query, value_shape: value ?? query, ...(key ? { key_shape: key } : {}) } };
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      num_heads: this.numHeads,
      key_dim: this.keyDim,
      value_dim: this.valueDim,
      dropout: this.dropoutRate,
      use_bias: this.useBias,
      use_gate: false,
      output_shape: this.outputSize,
      attention_axes: null,
      sliding_window: null,
      kernel_initializer: initializerConfig(
        this.kernelInitializerName === "glorot_uniform" ? "GlorotUniform" : this.kernelInitializerName === "zeros" ? "Zeros" : "Ones",
      ),
      bias_initializer: initializerConfig(this.biasInitializerName === "zeros" ? "Zeros" : this.biasInitializerName === "ones" ? "Ones" : "GlorotUniform"),
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      seed: null,
    };
  }

  static override fromConfig(config: Record<string, unknown>): MultiHeadAttention {
    const unsupported = [
      ["use_gate", false],
      ["sliding_window", null],
    ].filter(([key, value]) => config[key as string] !== undefined && config[key as string] !== value);
    const axes = config["attention_axes"];
    if (unsupported.length > 0 || (Array.isArray(axes) && (axes.length !== 1 || (axes[0] !== 1 && axes[0] !== -2)))) {
      throw new Error(
        `MultiHeadAttention "${String(config["name"])}": ${unsupported
          .map(([key]) => key)
          .concat(Array.isArray(axes) && (axes.length !== 1 || axes[0] !== 1) ? ["attention_axes"] : [])
          .join(", ")} other than Keras's defaults is not supported yet.`,
      );
    }
    const outputShape = config["output_shape"];
    return new MultiHeadAttention({
      ...layerArgsFromConfig(config),
      numHeads: config["num_heads"] as number,
      keyDim: config["key_dim"] as number,
      valueDim: (config["value_dim"] as number | null) ?? null,
      dropout: (config["dropout"] as number | undefined) ?? 0,
      useBias: (config["use_bias"] as boolean | undefined) ?? true,
      outputShape: Array.isArray(outputShape) ? (outputShape.at(-1) as number) : ((outputShape as number | null) ?? null),
      kernelInitializer: initializerNameOf(config["kernel_initializer"], "glorot_uniform"),
      biasInitializer: initializerNameOf(config["bias_initializer"], "zeros"),
    });
  }
}
registerWrittenLayer(MultiHeadAttention);
