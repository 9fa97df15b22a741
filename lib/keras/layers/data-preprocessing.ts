/**
 * Keras's numeric preprocessing layers, written here: `CategoryEncoding` (integer ids → one-hot,
 * multi-hot or counts), `Discretization` (values → bucket ids by given boundaries) and
 * `Normalization` (x − mean)/√variance with statistics given, learnt by `adapt(data)`, or loaded
 * from a Keras file, where Keras stores them as the variables mean, variance and count.
 *
 * @example
 * const norm = new keras.layers.Normalization();
 * norm.adapt(tf.tensor2d([[1, 2], [3, 4]]));
 * norm.apply(tf.tensor2d([[2, 3]])); // [[0, 0]]
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type { Variable } from "../../tf/variable.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

type OutputMode = "one_hot" | "multi_hot" | "count";

/** One-hot as float32 (tfjs-backend-wasm 4.22 returns an int32 one-hot's bits when asked for float32). */
const oneHotFloat = (ids: tfc.Tensor, depth: number) => tfc.cast(tfc.oneHot(ids, depth), "float32");

/** Integer ids [..., n] → [..., depth] per Keras's `encode_categorical_inputs` (float32). */
function encodeCategorical(inputs: tfc.Tensor, outputMode: OutputMode, depth: number): tfc.Tensor {
  return tfc.tidy(() => {
    let ids = tfc.cast(inputs, "int32");
    if (ids.rank === 0) ids = tfc.expandDims(ids, 0);
    if (outputMode === "one_hot") {
      // A trailing axis of size 1 is encoded in place; otherwise a new axis is added.
      if (ids.rank > 1 && ids.shape[ids.rank - 1] === 1) ids = tfc.squeeze(ids, [ids.rank - 1]);
      return oneHotFloat(ids, depth);
    }
    if (ids.rank === 1) ids = tfc.expandDims(ids, 1);
    const hot = oneHotFloat(ids, depth);
    return outputMode === "count" ? tfc.sum(hot, -2) : tfc.max(hot, -2);
  });
}

export interface CategoryEncodingArgs extends LayerArgs {
  numTokens?: number;
  outputMode?: OutputMode;
  sparse?: boolean;
}
/** Python `CategoryEncoding(num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs)`. */
export class CategoryEncoding extends Layer {
  static readonly className = "CategoryEncoding";
  readonly numTokens: number;
  readonly outputMode: OutputMode;
  constructor(options: CategoryEncodingArgs = {}) {
    const { numTokens, outputMode = "multi_hot", sparse = false, ...rest } = optionsFromArguments("CategoryEncoding", [], [options]) as CategoryEncodingArgs;
    if (!Number.isInteger(numTokens) || numTokens! < 1)
      throw new Error(`CategoryEncoding needs num_tokens: new keras.layers.CategoryEncoding({ numTokens: 10 }), got ${JSON.stringify(numTokens)}.`);
    if (!["one_hot", "multi_hot", "count"].includes(outputMode))
      throw new Error(`CategoryEncoding output_mode must be "one_hot", "multi_hot" or "count", got ${JSON.stringify(outputMode)}.`);
    if (sparse) throw new Error("CategoryEncoding with sparse=True is not supported (tfjs has no sparse tensors); use sparse: false.");
    super({ dtype: "float32", ...rest });
    this.numTokens = numTokens!;
    this.outputMode = outputMode;
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return encodeCategorical(inputs, this.outputMode, this.numTokens);
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    if (this.outputMode === "one_hot" && shape[shape.length - 1] === 1 && shape.length > 1) return [...shape.slice(0, -1), this.numTokens];
    if (this.outputMode === "one_hot") return [...shape, this.numTokens];
    return shape.length <= 1 ? [shape[0] ?? null, this.numTokens] : [...shape.slice(0, -1), this.numTokens];
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), num_tokens: this.numTokens, output_mode: this.outputMode };
  }
  static override fromConfig(config: Record<string, unknown>): CategoryEncoding {
    return new CategoryEncoding({
      ...layerArgsFromConfig(config),
      numTokens: config["num_tokens"] as number,
      outputMode: (config["output_mode"] ?? "multi_hot") as OutputMode,
      sparse: Boolean(config["sparse"]),
    });
  }
}

export interface DiscretizationArgs extends LayerArgs {
  binBoundaries?: number[] | null;
  numBins?: number | null;
  epsilon?: number;
  outputMode?: "int" | OutputMode;
  sparse?: boolean;
}
/**
 * Python `Discretization(bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False, ...)`:
 * value x falls in bucket i when boundaries[i−1] ≤ x < boundaries[i]. Learning boundaries with
 * `adapt()` is not written yet: give `binBoundaries`.
 */
export class Discretization extends Layer {
  static readonly className = "Discretization";
  readonly binBoundaries: number[];
  readonly numBins: number | null;
  readonly epsilon: number;
  readonly outputMode: "int" | OutputMode;
  constructor(options: DiscretizationArgs = {}) {
    const {
      binBoundaries = null,
      numBins = null,
      epsilon = 0.01,
      outputMode = "int",
      sparse = false,
      ...rest
    } = optionsFromArguments("Discretization", [], [options]) as DiscretizationArgs;
    if (binBoundaries === null)
      throw new Error(
        "Discretization needs binBoundaries (learning them with adapt() is not supported yet): new keras.layers.Discretization({ binBoundaries: [0, 1, 2] }).",
      );
    if (sparse) throw new Error("Discretization with sparse=True is not supported (tfjs has no sparse tensors); use sparse: false.");
    super(rest);
    this.binBoundaries = [...binBoundaries];
    this.numBins = numBins;
    this.epsilon = epsilon;
    this.outputMode = outputMode;
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const x = tfc.cast(inputs, "float32");
      // The bucket is the number of boundaries at or below the value.
      const bucket = this.binBoundaries.reduce<tfc.Tensor>(
        (count, boundary) => tfc.add(count, tfc.cast(tfc.greaterEqual(x, boundary), "int32")),
        tfc.zeros(x.shape, "int32"),
      );
      return this.outputMode === "int" ? bucket : encodeCategorical(bucket, this.outputMode, this.binBoundaries.length + 1);
    });
  }
  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    if (this.outputMode === "int") return shape;
    return tfc.tidy(() =>
      encodeCategorical(
        tfc.zeros(
          shape.map((size) => size ?? 1),
          "int32",
        ),
        this.outputMode as OutputMode,
        this.binBoundaries.length + 1,
      ).shape.map((size, index) => (index === 0 ? shape[0]! : size)),
    );
  }
  /** Keras 3.15 writes its config with a plain dtype and no trainable flag. */
  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      bin_boundaries: [...this.binBoundaries],
      num_bins: this.numBins,
      epsilon: this.epsilon,
      output_mode: this.outputMode,
      sparse: false,
    };
  }
  static override fromConfig(config: Record<string, unknown>): Discretization {
    return new Discretization({
      ...layerArgsFromConfig(config),
      binBoundaries: (config["bin_boundaries"] ?? null) as number[] | null,
      numBins: (config["num_bins"] ?? null) as number | null,
      epsilon: (config["epsilon"] ?? 0.01) as number,
      outputMode: (config["output_mode"] ?? "int") as "int",
      sparse: Boolean(config["sparse"]),
    });
  }
}

export interface NormalizationArgs extends LayerArgs {
  axis?: number | number[] | null;
  mean?: number | number[] | null;
  variance?: number | number[] | null;
  invert?: boolean;
}
/**
 * Python `Normalization(axis=-1, mean=None, variance=None, invert=False, **kwargs)`: (x − mean) / max(√variance, 1e-7)
 * per index of the kept `axis` (or x·√variance + mean with `invert`). Without `mean`/`variance` the
 * statistics are Keras's non-trainable variables mean, variance and count, set by `adapt(data)` or a file.
 */
export class Normalization extends Layer {
  static readonly className = "Normalization";
  readonly axis: number[];
  readonly invert: boolean;
  readonly inputMean: number | number[] | null;
  readonly inputVariance: number | number[] | null;
  adaptMean?: Variable;
  adaptVariance?: Variable;
  count?: Variable;
  private keepAxes: number[] = [];
  private broadcastShape: number[] = [];
  private givenMean?: tfc.Tensor;
  private givenVariance?: tfc.Tensor;

  constructor(options: NormalizationArgs = {}) {
    const { axis = -1, mean = null, variance = null, invert = false, ...rest } = optionsFromArguments("Normalization", [], [options]) as NormalizationArgs;
    if ((mean === null) !== (variance === null)) throw new Error("Normalization: give both mean and variance, or neither (and call adapt(data)).");
    super(rest);
    this.axis = axis === null ? [] : typeof axis === "number" ? [axis] : [...axis];
    this.invert = invert;
    this.inputMean = mean;
    this.inputVariance = variance;
  }

  override build(inputShape: Array<number | null>): void {
    const rank = inputShape.length;
    if (this.axis.some((axis) => axis < -rank || axis >= rank))
      throw new Error(`Normalization axis ${JSON.stringify(this.axis)} is out of range for inputs of rank ${rank}.`);
    this.keepAxes = this.axis.map((axis) => (axis < 0 ? axis + rank : axis)).sort((a, b) => a - b);
    for (const axis of this.keepAxes)
      if (inputShape[axis] == null) throw new Error(`Normalization: axis ${axis} of the input must have a known size, got shape [${inputShape.join(", ")}].`);
    this.broadcastShape = inputShape.map((size, axis) => (this.keepAxes.includes(axis) ? size! : 1));
    const statisticsShape = this.keepAxes.map((axis) => inputShape[axis]!);
    if (this.inputMean === null) {
      this.adaptMean = this.addWeight({ name: "mean", shape: statisticsShape, initializer: "zeros", trainable: false });
      this.adaptVariance = this.addWeight({ name: "variance", shape: statisticsShape, initializer: "ones", trainable: false });
      this.count = this.addWeight({ name: "count", shape: [], dtype: "int32", initializer: "zeros", trainable: false });
    } else {
      // Given statistics broadcast from the last kept axes, as Keras reshapes them.
      const shaped = (value: number | number[]) => {
        const tensor = tfc.tensor(value);
        if (tensor.rank === 0) return tfc.broadcastTo(tensor, this.broadcastShape);
        const expanded = inputShape.map(() => 1);
        tensor.shape.forEach((size, index) => {
          expanded[this.keepAxes[this.keepAxes.length - tensor.rank + index]!] = size;
        });
        return tfc.broadcastTo(tfc.reshape(tensor, expanded), this.broadcastShape);
      };
      this.givenMean = tfc.keep(shaped(this.inputMean));
      this.givenVariance = tfc.keep(shaped(this.inputVariance!));
    }
  }

  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const x = tfc.cast(inputs, "float32");
      const mean = this.givenMean ?? tfc.reshape(this.adaptMean!.read(), this.broadcastShape);
      const variance = this.givenVariance ?? tfc.reshape(this.adaptVariance!.read(), this.broadcastShape);
      const deviation = tfc.maximum(tfc.sqrt(variance), 1e-7);
      return this.invert ? tfc.add(mean, tfc.mul(x, deviation)) : tfc.div(tfc.sub(x, mean), deviation);
    });
  }

  override computeOutputShape(shape: tfl.Shape): tfl.Shape {
    return shape;
  }

  /**
   * Python `adapt(data)`: the mean and (population) variance of `data` over every axis but the kept
   * ones, stored in the layer's variables. Builds the layer from the data's shape if needed.
   */
  adapt(data: tfc.Tensor | number[] | number[][] | number[][][]): void {
    if (this.inputMean !== null)
      throw new Error("Normalization.adapt(): this layer was given mean and variance; make it without them to learn them from data.");
    const tensor = data instanceof tfc.Tensor ? data : tfc.tensor(data);
    if (!this.built) {
      this.build(tensor.shape);
      this.built = true;
    }
    tfc.tidy(() => {
      const x = tfc.cast(tensor, "float32");
      const reduce = x.shape.map((_size, axis) => axis).filter((axis) => !this.keepAxes.includes(axis));
      const { mean, variance } = tfc.moments(x, reduce);
      this.adaptMean!.assign(tfc.reshape(mean, this.adaptMean!.shape));
      this.adaptVariance!.assign(tfc.reshape(variance, this.adaptVariance!.shape));
      this.count!.assign(
        tfc.scalar(
          reduce.reduce((total, axis) => total * x.shape[axis]!, 1),
          "int32",
        ),
      );
    });
    if (!(data instanceof tfc.Tensor)) tensor.dispose();
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), axis: [...this.axis], invert: this.invert, mean: this.inputMean, variance: this.inputVariance };
  }
  static override fromConfig(config: Record<string, unknown>): Normalization {
    return new Normalization({
      ...layerArgsFromConfig(config),
      axis: (config["axis"] ?? null) as number[] | null,
      invert: Boolean(config["invert"]),
      mean: (config["mean"] ?? null) as number[] | null,
      variance: (config["variance"] ?? null) as number[] | null,
    });
  }
}

for (const cls of [CategoryEncoding, Discretization, Normalization]) registerWrittenLayer(cls);
