import * as tfc from "@tensorflow/tfjs-core";

export interface VariableOptions {
  /** Python `name=`; shown as `name:0` like TensorFlow. Defaults to `Variable`. */
  name?: string;
  /** Python `trainable=` (default true): whether optimizers and `trainableVariables` see it. */
  trainable?: boolean;
  /** Python `dtype=`: the value is cast to it. */
  dtype?: tfc.DataType;
}

type Value = tfc.Tensor | tfc.TensorLike;

const brand = Symbol("tskeras.Variable");

/**
 * The engine keys variables by name and refuses duplicates, while TensorFlow allows many `w:0`.
 * A taken name gets `_1`, `_2`... before the `:0`, as TensorFlow's graph mode uniquifies.
 */
function uniqueEngineName(base: string): string {
  const registered = (tfc.engine() as unknown as { state: { registeredVariables: Record<string, unknown> } }).state.registeredVariables;
  let candidate = `${base}:0`;
  for (let suffix = 1; registered[candidate] !== undefined; suffix++) candidate = `${base}_${suffix}:0`;
  return candidate;
}

/** Names of the layers being built or called, outermost first (Keras's name scopes). */
const scopes: string[] = [];

/** Runs `body` with `name` as the innermost name scope: variables made inside are named `name/...`. */
export function withNameScope<T>(name: string, body: () => T): T {
  scopes.push(name);
  try {
    return body();
  } finally {
    scopes.pop();
  }
}

/** The current name scope prefix (a layer's name while it builds), so `w` becomes `flexible_dense/w`. */
function scoped(name: string): string {
  return [...scopes, name].join("/");
}

function asTensor(value: Value, dtype?: tfc.DataType): tfc.Tensor {
  const tensor = value instanceof tfc.Tensor ? value : tfc.tensor(value as tfc.TensorLike);
  return dtype !== undefined && tensor.dtype !== dtype ? tfc.cast(tensor, dtype) : tensor;
}

/**
 * Python `tf.Variable(value, name=..., trainable=..., dtype=...)`: a mutable tensor usable in every op
 * and by every tfjs optimizer (it is a tfjs-core Variable, registered with the engine the way
 * `tf.variable` does), with TensorFlow's behaviour: `assign`/`assignAdd`/`assignSub` take tensors or
 * plain values and return the variable, names read `name:0`, `numpy()` gives the value as arrays.
 * It also answers tfjs-layers' weight interface (`read`/`write`/`originalName`), so a custom layer
 * can list it among its weights.
 *
 * @example
 * const v = new tf.Variable(5.0, { name: "train_me" });
 * v.assignAdd(1).numpy();   // 6
 * v.name;                   // "train_me:0"
 */
export class Variable<R extends tfc.Rank = tfc.Rank> extends tfc.Variable<R> {
  /** The name without the `:0` and without uniquifying suffixes (`dense/kernel`), as Keras weight paths use it. */
  readonly originalName: string;
  /** tfjs-layers' weight constraint slot; TensorFlow variables have none by default. */
  readonly constraint: null = null;
  readonly [brand] = true;

  constructor(initialValue: Value, options: VariableOptions = {}) {
    const engine = tfc.engine() as unknown as {
      nextTensorId(): number;
      incRef(tensor: tfc.Tensor, backend: unknown): void;
      backend: unknown;
      state: { registeredVariables: Record<string, tfc.Variable> };
    };
    const originalName = scoped(options.name ?? "Variable");
    const value = asTensor(initialValue, options.dtype);
    super(value as tfc.Tensor<R>, options.trainable ?? true, uniqueEngineName(originalName), engine.nextTensorId());
    this.originalName = originalName;
    engine.state.registeredVariables[this.name] = this;
    engine.incRef(this, engine.backend);
    // A value we made ourselves from plain numbers is only the variable's now.
    if (value !== initialValue) value.dispose();
  }

  static override [Symbol.hasInstance](instance: unknown): boolean {
    return typeof instance === "object" && instance !== null && (instance as Record<symbol, unknown>)[brand] === true;
  }

  /** Python `v.assign(value)`: same shape; the dtype follows the variable's. Returns the variable. */
  override assign(value: Value): this {
    const tensor = asTensor(value, this.dtype);
    super.assign(tensor as tfc.Tensor<R>);
    if (tensor !== value) tensor.dispose();
    return this;
  }

  /** Python `v.assign_add(delta)`; returns the variable. */
  assignAdd(delta: Value): this {
    const next = tfc.tidy(() => tfc.add(this, asTensor(delta, this.dtype)));
    super.assign(next as tfc.Tensor<R>);
    next.dispose();
    return this;
  }

  /** Python `v.assign_sub(delta)`; returns the variable. */
  assignSub(delta: Value): this {
    const next = tfc.tidy(() => tfc.sub(this, asTensor(delta, this.dtype)));
    super.assign(next as tfc.Tensor<R>);
    next.dispose();
    return this;
  }

  /** Python `v.numpy()`: a number for a scalar, nested arrays otherwise. */
  numpy(): ReturnType<tfc.Tensor<R>["arraySync"]> {
    return this.arraySync();
  }

  /** Keras 3's `variable.path` (`dense/kernel`): the scoped name without TensorFlow's `:0`. */
  get path(): string {
    return this.originalName;
  }

  /** Python `v.read_value()`: a copy of the current value. */
  readValue(): tfc.Tensor<R> {
    return this.clone();
  }

  /** tfjs-layers' weight interface: the current value (the variable itself). */
  read(): this {
    return this;
  }

  /** tfjs-layers' weight interface: set the value (used by `setWeights`, checkpoints, optimizers). */
  write(value: tfc.Tensor): this {
    return this.assign(value);
  }

  /** TensorFlow's repr: `<tf.Variable 'train_me:0' shape=() dtype=float32, numpy=5.0>`. */
  override toString(): string {
    const numpy = this.isDisposed ? "<disposed>" : JSON.stringify(this.arraySync());
    return `<tf.Variable '${this.name}' shape=(${this.shape.join(", ")}${this.shape.length === 1 ? "," : ""}) dtype=${this.dtype}, numpy=${numpy}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
