/**
 * Where a SavedModel's variable values come from: the tensor bundle in `variables/`.
 * Kept as a small interface so any checkpoint reader (the project's own in
 * `lib/formats/checkpoint/`, or an in-memory one in tests) plugs in.
 *
 * @example
 * ```ts
 * const source: VariableSource = {
 *   keys: () => ["v/.ATTRIBUTES/VARIABLE_VALUE"],
 *   getTensor: () => ({ dtype: "float32", shape: [], data: new Float32Array([3]) }),
 * };
 * ```
 */
import type { StoredTensor } from "../stored-tensor.js";

export type { StoredTensor };

/** Read access to a tensor bundle (checkpoint). */
export interface VariableSource {
  keys(): string[];
  getTensor(key: string): StoredTensor;
}
