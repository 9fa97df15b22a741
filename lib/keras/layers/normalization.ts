/**
 * Keras's normalization layers: tfjs-layers's `LayerNormalization`, and `UnitNormalization`,
 * `GroupNormalization`, `RMSNormalization`, written here with Keras's formulas and weight order.
 */
import * as tfc from "@tensorflow/tfjs-core";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type { LayerNormalization as TfLayerNormalization, LayerNormalizationLayerArgs } from "@tensorflow/tfjs-layers/dist/layers/normalization.js";
import type { Variable } from "../../tf/variable.js";
import { kerasLayerClass, optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { initializerConfig, layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

/** Python `LayerNormalization(axis=-1, epsilon=0.001, center=True, scale=True, **kwargs)`. */
const LayerNormalizationBase = kerasLayerClass<typeof TfLayerNormalization, LayerNormalizationLayerArgs, [axis: number | number[]]>("LayerNormalization", [
  "axis",
]);
/** Python `LayerNormalization(axis=-1, epsilon=0.001, center=True, scale=True, **kwargs)`; its config keeps the axis as given (tfjs resolves it at build). */
export class LayerNormalization extends LayerNormalizationBase {
  private readonly givenAxis: number | number[];
  constructor(axis?: number | number[], options?: Partial<LayerNormalizationLayerArgs>);
  constructor(options?: LayerNormalizationLayerArgs);
  constructor(...args: unknown[]) {
    const options = optionsFromArguments("LayerNormalization", ["axis"], args) as LayerNormalizationLayerArgs;
    super(options);
    this.givenAxis = options.axis ?? -1;
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.givenAxis };
  }
}

/** An axis counted from the end made positive. */
function positiveAxis(axis: number, rank: number, layer: string): number {
  const result = axis < 0 ? rank + axis : axis;
  if (result < 1 || result >= rank) throw new Error(`${layer} axis ${axis} is out of range for inputs of rank ${rank} (axis 0 is the batch).`);
  return result;
}

export interface UnitNormalizationArgs extends LayerArgs {
  axis?: number | number[];
}
/** Python `UnitNormalization(axis=-1, **kwargs)`: each vector divided by its L2 norm. */
export class UnitNormalization extends Layer {
  static readonly className = "UnitNormalization";
  readonly axis: number | number[];
  constructor(axis?: number | number[], options?: UnitNormalizationArgs);
  constructor(options?: UnitNormalizationArgs);
  constructor(...args: unknown[]) {
    const { axis = -1, ...rest } = optionsFromArguments("UnitNormalization", ["axis"], args) as UnitNormalizationArgs;
    super(rest);
    this.axis = axis;
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const squareSum = tfc.sum(tfc.square(inputs), this.axis, true);
      // Keras: x · min(1/√Σx², 1/ε) with ε = 1e-12.
      return tfc.mul(inputs, tfc.minimum(tfc.rsqrt(squareSum), 1e12));
    });
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
  static override fromConfig(config: Record<string, unknown>): UnitNormalization {
    return new UnitNormalization({ ...layerArgsFromConfig(config), axis: config["axis"] as number | number[] });
  }
}
registerWrittenLayer(UnitNormalization);

export interface RMSNormalizationArgs extends LayerArgs {
  axis?: number | number[];
  epsilon?: number;
}
/** Python `RMSNormalization(axis=-1, epsilon=1e-06, **kwargs)`: x / √(mean(x²) + ε) · scale. */
export class RMSNormalization extends Layer {
  static readonly className = "RMSNormalization";
  /** As given (Keras writes `-1` before build and `[-1]` after). */
  readonly axis: number | number[];
  readonly epsilon: number;
  scale?: Variable;
  constructor(options: RMSNormalizationArgs = {}) {
    const { axis = -1, epsilon = 1e-6, ...rest } = optionsFromArguments("RMSNormalization", [], [options]) as RMSNormalizationArgs;
    super(rest);
    this.axis = axis;
    this.epsilon = epsilon;
  }
  private axes(rank: number): number[] {
    return (Array.isArray(this.axis) ? this.axis : [this.axis]).map((axis) => positiveAxis(axis, rank, "RMSNormalization"));
  }
  override build(inputShape: Array<number | null>): void {
    this.scale = this.addWeight({ name: "scale", shape: this.axes(inputShape.length).map((axis) => inputShape[axis]!), initializer: "ones" });
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const axes = this.axes(inputs.rank);
      const meanSquare = tfc.mean(tfc.square(inputs), axes, true);
      const shape = inputs.shape.map((size, index) => (axes.includes(index) ? size : 1));
      return tfc.mul(tfc.mul(inputs, tfc.rsqrt(tfc.add(meanSquare, this.epsilon))), tfc.reshape(this.scale!.read(), shape));
    });
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis, epsilon: this.epsilon };
  }
  static override fromConfig(config: Record<string, unknown>): RMSNormalization {
    return new RMSNormalization({ ...layerArgsFromConfig(config), axis: config["axis"] as number | number[], epsilon: config["epsilon"] as number });
  }
}
registerWrittenLayer(RMSNormalization);

export interface GroupNormalizationArgs extends LayerArgs {
  groups?: number;
  axis?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
}
/**
 * Python `GroupNormalization(groups=32, axis=-1, epsilon=0.001, center=True, scale=True, **kwargs)`:
 * channels split into groups, each group normalized over its channels and all non-batch axes.
 */
export class GroupNormalization extends Layer {
  static readonly className = "GroupNormalization";
  readonly groups: number;
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma?: Variable;
  beta?: Variable;
  constructor(options: GroupNormalizationArgs = {}) {
    const {
      groups = 32,
      axis = -1,
      epsilon = 1e-3,
      center = true,
      scale = true,
      ...rest
    } = optionsFromArguments("GroupNormalization", [], [options]) as GroupNormalizationArgs;
    super(rest);
    this.groups = groups;
    this.axis = axis;
    this.epsilon = epsilon;
    this.center = center;
    this.scale = scale;
  }
  override build(inputShape: Array<number | null>): void {
    const axis = positiveAxis(this.axis, inputShape.length, "GroupNormalization");
    const channels = inputShape[axis]!;
    if (channels % this.groups !== 0) {
      throw new Error(
        `GroupNormalization: ${channels} channels cannot be split into ${this.groups} groups; pick groups dividing ${channels} (new keras.layers.GroupNormalization({ groups: ... })).`,
      );
    }
    // Keras creates gamma before beta.
    if (this.scale) this.gamma = this.addWeight({ name: "gamma", shape: [channels], initializer: "ones" });
    if (this.center) this.beta = this.addWeight({ name: "beta", shape: [channels], initializer: "zeros" });
  }
  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const axis = positiveAxis(this.axis, inputs.rank, "GroupNormalization");
      const channels = inputs.shape[axis]!;
      const grouped = [...inputs.shape.slice(0, axis), this.groups, channels / this.groups, ...inputs.shape.slice(axis + 1)];
      const x = tfc.reshape(inputs, grouped);
      const reduce = grouped.map((_size, index) => index).filter((index) => index !== 0 && index !== axis);
      const { mean, variance } = tfc.moments(x, reduce, true);
      const normalized = tfc.reshape(tfc.div(tfc.sub(x, mean), tfc.sqrt(tfc.add(variance, this.epsilon))), inputs.shape);
      const broadcast = inputs.shape.map((size, index) => (index === axis ? size : 1));
      let result = normalized;
      if (this.gamma) result = tfc.mul(result, tfc.reshape(this.gamma.read(), broadcast));
      if (this.beta) result = tfc.add(result, tfc.reshape(this.beta.read(), broadcast));
      return result;
    });
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      groups: this.groups,
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: initializerConfig("Zeros"),
      gamma_initializer: initializerConfig("Ones"),
      beta_regularizer: null,
      gamma_regularizer: null,
      beta_constraint: null,
      gamma_constraint: null,
    };
  }
  static override fromConfig(config: Record<string, unknown>): GroupNormalization {
    const { groups, axis, epsilon, center, scale } = config as GroupNormalizationArgs;
    return new GroupNormalization({ ...layerArgsFromConfig(config), groups, axis, epsilon, center, scale });
  }
}
registerWrittenLayer(GroupNormalization);
