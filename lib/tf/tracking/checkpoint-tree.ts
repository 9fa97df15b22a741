import { VARIABLE_VALUE, type TrackableNode } from "../../formats/checkpoint/object-graph.js";
import type { CheckpointTensorInput } from "../../formats/checkpoint/bundle.js";
import type { CheckpointDtype } from "../../formats/checkpoint/bundle-dtypes.js";
import type { SaveableVariable, Trackable } from "./trackable.js";

/** A variable's current value in the bundle writer's layout (every dtype Keras variables use). */
export function storedTensor(variable: Pick<SaveableVariable, "dtype" | "shape" | "read">): CheckpointTensorInput {
  const value = variable.read();
  const dtype = variable.dtype === "int64" ? "int64" : (value.dtype as CheckpointDtype);
  const values = value.dataSync();
  // dataSync already gives the stored layout for float32 and int32; the bundle writer only reads it
  // (synchronously), so it is passed on without another copy.
  const data =
    dtype === "int64"
      ? BigInt64Array.from(values as ArrayLike<number>, (entry) => BigInt(Math.trunc(entry)))
      : dtype === "bool"
        ? Uint8Array.from(values as ArrayLike<number>)
        : dtype === "int32"
          ? values instanceof Int32Array
            ? values
            : Int32Array.from(values as ArrayLike<number>)
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
