/**
 * What flows along a graph edge while a SavedModel function runs: a tfjs tensor, or a
 * handle to a variable (TensorFlow passes variables between functions as `resource`
 * tensors; `ReadVariableOp` turns a handle into its value).
 *
 * @example
 * ```ts
 * const handle = new VariableHandle("dense/kernel", () => tf.ones([2, 2]));
 * handle.read(); // the value, loaded once on first read
 * ```
 */
import type * as tf from "@tensorflow/tfjs-core";

export class VariableHandle {
  private value: tf.Tensor | undefined;

  /** `name` identifies the variable in error messages; `load` fetches its value once, on first read. */
  constructor(
    readonly name: string,
    private readonly load: () => tf.Tensor,
  ) {}

  read(): tf.Tensor {
    this.value ??= this.load();
    return this.value;
  }

  /** Releases the cached value (the next read loads it again). */
  dispose(): void {
    this.value?.dispose();
    this.value = undefined;
  }
}

export type GraphValue = tf.Tensor | VariableHandle;

export function isVariableHandle(value: GraphValue): value is VariableHandle {
  return value instanceof VariableHandle;
}
