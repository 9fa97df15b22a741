/**
 * `keras.Variable`: the type of a model's weights (Python Keras 3's `model.weights` are
 * `keras.Variable`s), with TensorFlow's variable methods — `assign`, `assignAdd`, `assignSub`,
 * `numpy()`, `shape` as `number[]`, `name`, `path`, `trainable`, `dtype` — so the guide's
 * `for (const w of model.weights) w.assign(tf.randomNormal(w.shape))` type-checks and runs.
 *
 * A model's weights are tfjs-layers `LayerVariable`s (built-in layers) or tskeras `tf.Variable`s
 * (custom layers' `addWeight`); both answer this interface: `tf.Variable` has these methods itself,
 * and `LayerVariable` gets them here, on its prototype, when the library loads.
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

type Value = tfc.Tensor | tfc.TensorLike;

/** The variable methods Keras and TensorFlow share. */
export interface VariableMethods {
  /** Known at build time, so every dimension is a number. */
  readonly shape: number[];
  /** Keras 3's `variable.path`: `dense/kernel`, the name without TensorFlow's `:0`. */
  readonly path: string;
  /** Python `v.assign(value)`: same shape; returns the variable. */
  assign(value: Value): this;
  /** Python `v.assign_add(delta)`. */
  assignAdd(delta: Value): this;
  /** Python `v.assign_sub(delta)`. */
  assignSub(delta: Value): this;
  /** Python `v.numpy()`: a number for a scalar, nested arrays otherwise. */
  numpy(): number | number[] | number[][] | number[][][] | number[][][][] | number[][][][][] | number[][][][][][];
}

/** A model weight: tfjs-layers' weight interface plus TensorFlow's methods. */
export type KerasVariable = tfl.LayerVariable & VariableMethods;

function asTensor(value: Value, dtype: tfc.DataType): tfc.Tensor {
  const tensor = value instanceof tfc.Tensor ? value : tfc.tensor(value as tfc.TensorLike);
  return tensor.dtype !== dtype ? tfc.cast(tensor, dtype) : tensor;
}

/** Writes a new value computed from the current one (tfjs's `write` checks shape and dtype). */
function update(variable: tfl.LayerVariable, compute: (current: tfc.Tensor) => tfc.Tensor): void {
  const next = tfc.tidy(() => compute(variable.read()));
  variable.write(next);
  next.dispose();
}

const methods: ThisType<tfl.LayerVariable> & Record<string, unknown> = {
  assign(value: Value) {
    update(this, () => asTensor(value, this.dtype));
    return this;
  },
  assignAdd(delta: Value) {
    update(this, (current) => tfc.add(current, asTensor(delta, this.dtype)));
    return this;
  },
  assignSub(delta: Value) {
    update(this, (current) => tfc.sub(current, asTensor(delta, this.dtype)));
    return this;
  },
  numpy() {
    return this.read().arraySync();
  },
};

for (const [name, method] of Object.entries(methods)) {
  Object.defineProperty(tfl.LayerVariable.prototype, name, { value: method, writable: true, configurable: true });
}
Object.defineProperty(tfl.LayerVariable.prototype, "path", {
  get(this: tfl.LayerVariable) {
    return this.originalName;
  },
  configurable: true,
});
