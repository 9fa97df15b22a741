/**
 * `tf.TensorSpec(shape, dtype, name)`: the shape and dtype a traced function accepts, as in
 * TensorFlow. `null` in the shape is a dimension of any size; a `null` shape is any rank.
 *
 * @example
 * ```ts
 * const spec = new tf.TensorSpec([null, 3], "float32", "x");
 * spec.isCompatibleWith(tf.zeros([5, 3])); // true
 * ```
 */
import type * as tfc from "@tensorflow/tfjs-core";

export class TensorSpec {
  constructor(
    readonly shape: Array<number | null> | null,
    readonly dtype: tfc.DataType = "float32",
    readonly name?: string,
  ) {}

  /** Whether a tensor has this spec's dtype and a shape that fits. */
  isCompatibleWith(tensor: tfc.Tensor): boolean {
    if (tensor.dtype !== this.dtype) return false;
    if (this.shape === null) return true;
    return this.shape.length === tensor.rank && this.shape.every((size, axis) => size === null || size === tensor.shape[axis]);
  }

  /** The spec of a concrete tensor (every size known). */
  static fromTensor(tensor: tfc.Tensor, name?: string): TensorSpec {
    return new TensorSpec([...tensor.shape], tensor.dtype, name);
  }

  toString(): string {
    return `TensorSpec(shape=${this.shape === null ? "None" : `(${this.shape.map((size) => (size === null ? "None" : size)).join(", ")}${this.shape.length === 1 ? "," : ""})`}, dtype=${this.dtype}${this.name ? `, name='${this.name}'` : ""})`;
  }
}
