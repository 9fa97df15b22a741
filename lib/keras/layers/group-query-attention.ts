/**
 * Python `keras.layers.GroupQueryAttention(head_dim, num_query_heads, num_key_value_heads, ...)`
 * (Python class `GroupedQueryAttention`, written in files as `GroupQueryAttention`): multi-head attention where groups of query heads share one key and
 * value head, as in Llama-style decoders. Keras 3's structure: `query`, `key`, `value` and
 * `attention_output` EinsumDense sublayers, saved as `_query_dense/vars/…` etc. in `.keras` files.
 *
 * @example
 * const attention = new keras.layers.GroupQueryAttention(16, 8, 2);
 * const y = attention.apply([x, x], { useCausalMask: true }); // [query, value]
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import { EinsumDense, initializerNameOf } from "./einsum-dense.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { uniqueName } from "../../util/naming.js";
import { initializerConfig, layerArgsFromConfig, registerWrittenLayer, type Keras3CallConvention, type Keras3WeightLayout } from "./written-layers.js";
import { queryValueArguments, withoutRepeatedInput } from "./attention-call.js";

export interface GroupQueryAttentionArgs extends LayerArgs {
  headDim?: number;
  numQueryHeads?: number;
  /** Must divide numQueryHeads: each key/value head serves numQueryHeads / numKeyValueHeads query heads. */
  numKeyValueHeads?: number;
  dropout?: number;
  useBias?: boolean;
  kernelInitializer?: string;
  biasInitializer?: string;
}

/** Call options: Keras's `attention_mask` ([batch, query steps, key steps], 1 attends), `use_causal_mask`, `training`. */
export interface GroupQueryAttentionCallOptions {
  attentionMask?: tfc.Tensor;
  useCausalMask?: boolean;
  use_causal_mask?: boolean;
  training?: boolean;
}

type Shape = Array<number | null>;

/** Python `GroupQueryAttention(head_dim, num_query_heads, num_key_value_heads, **kwargs)`; call it on `[query, value]` or `[query, value, key]`. */
export class GroupQueryAttention extends Layer implements Keras3WeightLayout, Keras3CallConvention {
  /** The name Keras writes in files (its public alias; the Python class is `GroupedQueryAttention`). */
  static readonly className = "GroupQueryAttention";
  static readonly pythonClassName = "GroupedQueryAttention";
  readonly headDim: number;
  readonly numQueryHeads: number;
  readonly numKeyValueHeads: number;
  readonly dropoutRate: number;
  readonly useBias: boolean;
  readonly kernelInitializerName: string;
  readonly biasInitializerName: string;
  queryDense?: EinsumDense;
  keyDense?: EinsumDense;
  valueDense?: EinsumDense;
  outputDense?: EinsumDense;

  constructor(headDim: number, numQueryHeads: number, numKeyValueHeads: number, options?: GroupQueryAttentionArgs);
  constructor(options: GroupQueryAttentionArgs);
  constructor(...args: unknown[]) {
    const {
      headDim,
      numQueryHeads,
      numKeyValueHeads,
      dropout = 0,
      useBias = true,
      kernelInitializer = "glorot_uniform",
      biasInitializer = "zeros",
      ...rest
    } = optionsFromArguments("GroupQueryAttention", ["headDim", "numQueryHeads", "numKeyValueHeads"], args) as GroupQueryAttentionArgs;
    if (!headDim || !numQueryHeads || !numKeyValueHeads)
      throw new Error("GroupQueryAttention needs headDim, numQueryHeads and numKeyValueHeads, e.g. new keras.layers.GroupQueryAttention(16, 8, 2).");
    if (numQueryHeads % numKeyValueHeads !== 0)
      throw new Error(`GroupQueryAttention: numQueryHeads (${numQueryHeads}) must be divisible by numKeyValueHeads (${numKeyValueHeads}).`);
    super({ ...rest, name: rest.name ?? uniqueName("grouped_query_attention") });
    this.headDim = headDim;
    this.numQueryHeads = numQueryHeads;
    this.numKeyValueHeads = numKeyValueHeads;
    this.dropoutRate = dropout;
    this.useBias = useBias;
    this.kernelInitializerName = kernelInitializer;
    this.biasInitializerName = biasInitializer;
  }

  /** Self-attention `apply([x, x])` is recorded with `x` once (see withoutRepeatedInput). */
  override apply(inputs: any, kwargs?: any): any {
    return super.apply(withoutRepeatedInput(inputs), kwargs);
  }

  /** Keras 3 calls `layer(query, value)` with separate arguments. */
  keras3CallArguments<T>(tensors: T[]): T[] {
    return queryValueArguments(tensors);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape, inputShape]) as Shape[];
    const [queryShape, valueShape, keyShape = valueShape] = shapes as [Shape, Shape, Shape?];
    if (queryShape.length !== 3 || valueShape.length !== 3) {
      throw new Error(
        `GroupQueryAttention takes [batch, steps, features] query and value tensors; got shapes [${queryShape.join(", ")}] and [${valueShape.join(", ")}].`,
      );
    }
    const dense = (name: string, equation: string, outputShape: Shape, biasAxes: string, shape: Shape) => {
      const layer = new EinsumDense(equation, outputShape, {
        name,
        biasAxes: this.useBias ? biasAxes : null,
        kernelInitializer: this.kernelInitializerName,
        biasInitializer: this.biasInitializerName,
      });
      layer.build(shape);
      layer.built = true;
      return layer;
    };
    this.queryDense = dense("query", "bqm,muh->bquh", [null, this.numQueryHeads, this.headDim], "uh", queryShape);
    this.keyDense = dense("key", "bkm,mvh->bkvh", [null, this.numKeyValueHeads, this.headDim], "vh", keyShape!);
    this.valueDense = dense("value", "bkm,mvh->bkvh", [null, this.numKeyValueHeads, this.headDim], "vh", valueShape);
    this.outputDense = dense("attention_output", "bquh,uhm->bqm", [null, queryShape[2]!], "m", [null, null, this.numQueryHeads, this.headDim]);
  }

  override call(inputs: tfc.Tensor | tfc.Tensor[], kwargs: GroupQueryAttentionCallOptions = {}): tfc.Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs, inputs];
    if (list.length < 2 || list.length > 3) throw new Error(`GroupQueryAttention takes [query, value] or [query, value, key]; got ${list.length} tensors.`);
    const [query, value, key = value] = list as [tfc.Tensor, tfc.Tensor, tfc.Tensor?];
    return tfc.tidy(() => {
      const repeats = this.numQueryHeads / this.numKeyValueHeads;
      // [batch, steps, heads, size] → [batch, heads, steps, size]; key/value heads each serve `repeats` consecutive query heads.
      const heads = (tensor: tfc.Tensor) => tfc.transpose(tensor, [0, 2, 1, 3]);
      const sharedHeads = tfc.tensor1d(
        Array.from({ length: this.numQueryHeads }, (_unused, head) => Math.floor(head / repeats)),
        "int32",
      );
      const shared = (tensor: tfc.Tensor) => heads(tfc.gather(tensor, sharedHeads, 2));
      const q = heads(tfc.mul(this.queryDense!.call(query) as tfc.Tensor, 1 / Math.sqrt(this.headDim)));
      const k = shared(this.keyDense!.call(key!) as tfc.Tensor);
      const v = shared(this.valueDense!.call(value) as tfc.Tensor);
      let scores = tfc.matMul(q, k, false, true); // [batch, heads, query steps, key steps]
      let mask: tfc.Tensor | undefined = kwargs.attentionMask ? tfc.expandDims(tfc.cast(kwargs.attentionMask, "float32"), 1) : undefined;
      if (kwargs.useCausalMask || kwargs.use_causal_mask) {
        const causal = tfc.reshape(tfc.linalg.bandPart(tfc.ones([query.shape[1]!, key!.shape[1]!]), -1, 0), [1, 1, query.shape[1]!, key!.shape[1]!]);
        mask = mask ? tfc.mul(mask, causal) : causal;
      }
      if (mask) scores = tfc.add(scores, tfc.mul(tfc.sub(1, mask), -1e9));
      let weights = tfc.softmax(scores, -1);
      if (kwargs.training === true && this.dropoutRate > 0) weights = tfc.dropout(weights, this.dropoutRate);
      const attended = tfc.transpose(tfc.matMul(weights, v), [0, 2, 1, 3]); // [batch, query steps, heads, head size]
      return this.outputDense!.call(attended) as tfc.Tensor;
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const query = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [query[0]!, query[1]!, query[2]!];
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
      weights: ["_query_dense", "_key_dense", "_value_dense", "_output_dense"].flatMap(paths),
      emptyGroups: ["vars", "_softmax/vars", "_dropout_layer/vars"],
    };
  }

  keras3BuildConfig(inputShapes: Shape[]): Record<string, unknown> {
    const [query, value, key] = inputShapes;
    return { shapes_dict: { query_shape: query, value_shape: value ?? query, ...(key ? { key_shape: key } : {}) } };
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      head_dim: this.headDim,
      num_query_heads: this.numQueryHeads,
      num_key_value_heads: this.numKeyValueHeads,
      use_bias: this.useBias,
      use_gate: false,
      sliding_window: null,
      dropout: this.dropoutRate,
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

  static override fromConfig(config: Record<string, unknown>): GroupQueryAttention {
    const unsupported = [
      ["use_gate", false],
      ["sliding_window", null],
    ].filter(([key, value]) => config[key as string] !== undefined && config[key as string] !== value);
    if (unsupported.length > 0)
      throw new Error(
        `GroupQueryAttention "${String(config["name"])}": ${unsupported.map(([key]) => key).join(", ")} other than Keras's defaults is not supported yet.`,
      );
    return new GroupQueryAttention({
      ...layerArgsFromConfig(config),
      headDim: config["head_dim"] as number,
      numQueryHeads: config["num_query_heads"] as number,
      numKeyValueHeads: config["num_key_value_heads"] as number,
      dropout: (config["dropout"] as number | undefined) ?? 0,
      useBias: (config["use_bias"] as boolean | undefined) ?? true,
      kernelInitializer: initializerNameOf(config["kernel_initializer"], "glorot_uniform"),
      biasInitializer: initializerNameOf(config["bias_initializer"], "zeros"),
    });
  }
}
registerWrittenLayer(GroupQueryAttention, "GroupedQueryAttention");
