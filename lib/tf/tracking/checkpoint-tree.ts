import { VARIABLE_VALUE, type TrackableNode } from "../../formats/checkpoint/object-graph.js";
import type { CheckpointTensorInput } from "../../formats/checkpoint/bundle.js";
import type { CheckpointDtype } from "../../formats/checkpoint/bundle-dtypes.js";
import type { SaveableVariable, Trackable } from "./trackable.js";
import { tensorBytesForReading } from "../../backend/tensor-values.js";

/**
 * A variable's current value in the bundle writer's layout (every dtype Keras variables use).
 * float32 and int32 values are lent to the writer straight from the backend's memory when it writes
 * them (no copy, and never every variable's values at once); other dtypes are converted here.
 */
export function storedTensor(variable: Pick<SaveableVariable, "dtype" | "shape" | "read">): CheckpointTensorInput {
  const value = variable.read();
  const dtype = variable.dtype === "int64" ? "int64" : (value.dtype as CheckpointDtype);
  if (dtype === "float32" || dtype === "int32") {
    // The writer runs synchronously, with no tf operation between lending and writing.
    return { dtype, shape: [...variable.shape], data: (use) => use(tensorBytesForReading(value)) };
  }
  const values = value.dataSync();
  const data =
    dtype === "int64"
      ? BigInt64Array.from(values as ArrayLike<number>, (entry) => BigInt(Math.trunc(entry)))
      : dtype === "bool"
        ? Uint8Array.from(values as ArrayLike<number>)
        : values instanceof Float32Array
          ? values
          : Float32Array.from(values as ArrayLike<number>);
  return { dtype, shape: [...variable.shape], data };
}

/**
 * Our tree as the checkpoint writer's tree, with every variable's current value. `fullName` gives a
 * variable's TF name where the format records it (SavedModel variables).
 */
export function checkpointTree(root: Trackable, fullName?: (node: Trackable) => string | undefined): TrackableNode {
  const converted = new Map<Trackable, TrackableNode>();
  const convert = (node: Trackable): TrackableNode => {
    const known = converted.get(node);
    if (known) return known;
    const result: TrackableNode = {};
    converted.set(node, result);
    if (node.variable) result.attributes = [{ name: VARIABLE_VALUE, tensor: storedTensor(node.variable), fullName: fullName?.(node) }];
    result.children = node.children.map((child) => ({ name: child.name, node: convert(child.node) }));
    if (node.slots?.length) result.slots = node.slots.map((slot) => ({ variable: convert(slot.variable), slotName: slot.slotName, slot: convert(slot.slot) }));
    return result;
  };
  return convert(root);
}
