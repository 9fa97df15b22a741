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

  /**
   * `name` identifies the variable in error messages; `load` fetches its value once, on first read;
   * `write`, when given, makes the variable assignable (AssignVariableOp).
   */
  constructor(
    readonly name: string,
    private readonly load: () => tf.Tensor,
    private readonly write?: (value: tf.Tensor) => void,
  ) {}

  /** Stores a new value (the graph's AssignVariableOp). */
  assign(value: tf.Tensor): void {
    if (this.write === undefined) {
      throw new Error(
        `Variable "${this.name}" is read-only here: this SavedModel was loaded for inference, so its variables cannot be assigned. Load it with tf.savedModel.load to call functions that assign variables.`,
      );
    }
    this.write(value);
  }

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

/**
 * A TensorFlow `TensorList` (a `variant` tensor): what `tf.TensorArray` and Keras's exported RNN loops
 * pass between iterations. Immutable, as in TensorFlow: setting an item gives a new list.
 */
export class TensorList {
  constructor(
    /** The items; an unset slot of a reserved list is undefined. */
    readonly items: ReadonlyArray<tf.Tensor | undefined>,
    /** The items' shape as declared (-1 for an unknown dimension), or undefined when unknown. */
    readonly elementShape: number[] | undefined,
    readonly elementDtype: tf.DataType,
  ) {}

  withItem(index: number, item: tf.Tensor): TensorList {
    const items = [...this.items];
    items[index] = item;
    return new TensorList(items, this.elementShape, this.elementDtype);
  }
}

export type GraphValue = tf.Tensor | VariableHandle | TensorList;

export function isVariableHandle(value: GraphValue): value is VariableHandle {
  return value instanceof VariableHandle;
}

export function isTensorList(value: GraphValue): value is TensorList {
  return value instanceof TensorList;
}
