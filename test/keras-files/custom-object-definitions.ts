// The Keras guide's custom objects ("Save, serialize, and export models" → "Custom objects"), written once
// in TypeScript and imported both by custom-objects.test.ts and by the fresh `node` processes it spawns,
// so the saving and the loading process use the same class and function definitions.
import { keras, tf } from "../../lib/index.js";

/** Constructor arguments of {@link CustomModel}, as its getConfig writes them. */
export interface CustomModelConfig {
  hidden_units: number[];
  name?: string;
}

/** The guide's subclassed model: Dense layers of `hidden_units` sizes, then a 3-way softmax; getConfig/fromConfig as in Keras. */
export class CustomModel extends keras.Model {
  readonly hiddenUnits: number[];
  readonly denseLayers: InstanceType<typeof keras.layers.Dense>[];
  readonly head: InstanceType<typeof keras.layers.Dense>;
  constructor(hiddenUnits: number[], options: keras.ModelOptions = {}) {
    super(options);
    this.hiddenUnits = hiddenUnits;
    this.denseLayers = hiddenUnits.map((units) => new keras.layers.Dense(units, { activation: "relu" }));
    this.head = new keras.layers.Dense(3, { activation: "softmax" });
  }
  override call(inputs: tf.Tensor): tf.Tensor {
    let x = inputs;
    for (const layer of this.denseLayers) x = layer.apply(x);
    return this.head.apply(x);
  }
  override getConfig() {
    return { ...super.getConfig(), hidden_units: this.hiddenUnits };
  }
  static override fromConfig(config: CustomModelConfig): CustomModel {
    return new CustomModel(config.hidden_units, { name: config.name });
  }
}

/** A plain TypeScript activation function (Keras writes functions by name). */
export function scaledTanh(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.tanh(x), 1.5);
}

/** Another activation, for registration with registerKerasSerializable (saved as `package>name`). */
export function cappedRelu(x: tf.Tensor): tf.Tensor {
  return tf.minimum(tf.relu(x), 2);
}

/** Constructor arguments of {@link CustomDense}, as its getConfig writes them. */
export interface CustomDenseConfig {
  units: number;
  name?: string;
}

/** The guide's custom layer: its own kernel and bias through addWeight, `units` in its config. */
export class CustomDense extends keras.layers.Layer {
  readonly units: number;
  kernel?: tf.Variable;
  bias?: tf.Variable;
  constructor(config: CustomDenseConfig) {
    super({ name: config.name });
    this.units = config.units;
  }
  override build(inputShape: (number | null)[]): void {
    this.kernel = this.addWeight({ name: "kernel", shape: [inputShape.at(-1)!, this.units], initializer: "random_normal" });
    this.bias = this.addWeight({ name: "bias", shape: [this.units], initializer: "zeros" });
  }
  override call(inputs: tf.Tensor): tf.Tensor {
    return tf.add(tf.matMul(inputs as tf.Tensor2D, this.kernel as unknown as tf.Tensor2D), this.bias!);
  }
  override getConfig() {
    return { ...super.getConfig(), units: this.units };
  }
}
