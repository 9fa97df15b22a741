import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import { buildObjectGraph, OBJECT_GRAPH_KEY, VARIABLE_VALUE, type TrackableNode } from "../formats/checkpoint/object-graph.js";
import { writeBundle, type CheckpointTensorInput } from "../formats/checkpoint/bundle.js";
import type { CheckpointReader } from "../formats/checkpoint/reader.js";
import { writeCheckpointState } from "../formats/checkpoint/state-file.js";
import { checkpointTensorToTf } from "../formats/checkpoint/to-tensor.js";
import type { CheckpointDtype } from "../formats/checkpoint/dtypes.js";
import { reachableNodes, type SaveableVariable, type Trackable } from "./trackable.js";

function storedTensor(variable: SaveableVariable): CheckpointTensorInput {
  const value = variable.read();
  const dtype = variable.dtype === "int64" ? "int64" : (value.dtype as CheckpointDtype);
  const values = value.dataSync();
  const data =
    dtype === "int64" ? BigInt64Array.from(values as ArrayLike<number>, (entry) => BigInt(Math.trunc(entry)))
      : dtype === "bool" ? Uint8Array.from(values as ArrayLike<number>)
        : dtype === "int32" ? Int32Array.from(values as ArrayLike<number>)
          : Float32Array.from(values as ArrayLike<number>);
  return { dtype, shape: [...variable.shape], data };
}

/** Our tree as the checkpoint writer's tree, with every variable's current value. */
function checkpointTree(root: Trackable): TrackableNode {
  const converted = new Map<Trackable, TrackableNode>();
  const convert = (node: Trackable): TrackableNode => {
    const known = converted.get(node);
    if (known) return known;
    const result: TrackableNode = {};
    converted.set(node, result);
    if (node.variable) result.attributes = [{ name: VARIABLE_VALUE, tensor: storedTensor(node.variable) }];
    result.children = node.children.map((child) => ({ name: child.name, node: convert(child.node) }));
    if (node.slots?.length) result.slots = node.slots.map((slot) => ({ variable: convert(slot.variable), slotName: slot.slotName, slot: convert(slot.slot) }));
    return result;
  };
  return convert(root);
}

/**
 * Writes a TF2 object-based checkpoint (`PREFIX.index`, `PREFIX.data-00000-of-00001`) and points the
 * folder's `checkpoint` state file at it, as tf.keras's `save_weights` does. The bundle is written
 * atomically; the state file is updated only after it is complete.
 */
export function writeCheckpoint(root: Trackable, prefix: string, options: { updateState?: boolean } = {}): void {
  const { tensors } = buildObjectGraph(checkpointTree(root));
  // Like TensorFlow, saving into a folder that does not exist yet creates it.
  mkdirSync(dirname(prefix), { recursive: true });
  writeBundle(prefix, tensors);
  if (options.updateState === false) return;
  const now = Date.now() / 1000;
  // The state file stores names relative to its folder; absolute paths say unambiguously which file.
  writeCheckpointState(dirname(prefix), { modelCheckpointPath: resolve(prefix), allModelCheckpointPaths: [resolve(prefix)], allModelCheckpointTimestamps: [now], lastPreservedTimestamp: now });
}

/** Raised by the status checks of a restore; lists what did not match. */
export class CheckpointMismatchError extends Error {
  override name = "CheckpointMismatchError";
}

/**
 * What a restore matched (like TensorFlow's CheckpointLoadStatus): `assertConsumed()` when the
 * checkpoint and the objects must correspond exactly, `assertExistingObjectsMatched()` when the
 * checkpoint may hold more (transfer learning), `expectPartial()` to say a partial restore is intended.
 */
export class CheckpointLoadStatus {
  constructor(
    readonly prefix: string,
    /** Checkpoint keys no object took. */
    readonly unusedKeys: string[],
    /** Objects of ours that found no value in the checkpoint. */
    readonly unmatchedObjects: string[],
  ) {}

  assertConsumed(): this {
    this.assertExistingObjectsMatched();
    if (this.unusedKeys.length > 0) {
      throw new CheckpointMismatchError(`Unused values in checkpoint ${this.prefix}: ${this.unusedKeys.slice(0, 20).join(", ")}${this.unusedKeys.length > 20 ? ", …" : ""}. The checkpoint holds objects this model does not have; restore into a model with the same structure, or use assertExistingObjectsMatched()/expectPartial() if a partial restore is intended.`);
    }
    return this;
  }

  assertExistingObjectsMatched(): this {
    if (this.unmatchedObjects.length > 0) {
      throw new CheckpointMismatchError(`Nothing in checkpoint ${this.prefix} for: ${this.unmatchedObjects.slice(0, 20).join(", ")}${this.unmatchedObjects.length > 20 ? ", …" : ""}. The checkpoint was written for a model with a different structure (layers with weights are matched by position: layer_with_weights-0, -1, …).`);
    }
    return this;
  }

  expectPartial(): this {
    return this;
  }
}

/**
 * Restores values by walking our tree and the checkpoint's object graph together, edge name by edge
 * name (not by variable names), as TensorFlow does: so a checkpoint loads into any object structure
 * with the same edges, whatever the layers are called.
 */
export async function restoreCheckpoint(root: Trackable, reader: CheckpointReader): Promise<CheckpointLoadStatus> {
  const graph = reader.objectGraph();
  if (!graph) {
    throw new CheckpointMismatchError(`${reader.prefix} is a name-based (TensorFlow 1) checkpoint without ${OBJECT_GRAPH_KEY}; tskeras restores object-based checkpoints (TensorFlow 2 / tf.keras save_weights).`);
  }
  const matched = new Map<Trackable, number>([[root, 0]]);
  const usedKeys = new Set<string>();
  const assign = (node: Trackable, checkpointNode: number) => {
    const attribute = graph.nodes[checkpointNode]?.attributes?.find((entry) => entry.name === VARIABLE_VALUE);
    if (!node.variable || !attribute?.checkpoint_key) return;
    const key = attribute.checkpoint_key;
    const stored = reader.getTensor(key);
    const expected = node.variable.shape;
    if (stored.shape.length !== expected.length || stored.shape.some((size, index) => size !== expected[index])) {
      throw new CheckpointMismatchError(`Shape mismatch for ${node.description ?? key}: the checkpoint's ${key} has shape [${stored.shape.join(", ")}], the model expects [${expected.join(", ")}]. The checkpoint was written for a different architecture.`);
    }
    const value = checkpointTensorToTf(stored);
    const target = node.variable.dtype === "int64" ? value : value.dtype === node.variable.dtype ? value : tfc.cast(value, node.variable.dtype as tfc.DataType);
    node.variable.assign(target);
    usedKeys.add(key);
  };
  const queue: Array<[Trackable, number]> = [[root, 0]];
  while (queue.length > 0) {
    const [node, checkpointNode] = queue.shift()!;
    assign(node, checkpointNode);
    for (const child of node.children) {
      if (matched.has(child.node)) continue;
      const edge = graph.nodes[checkpointNode]?.children?.find((reference) => reference.local_name === child.name);
      if (!edge || edge.node_id === undefined) continue;
      matched.set(child.node, edge.node_id);
      queue.push([child.node, edge.node_id]);
    }
  }
  // Slots hang off the optimizer but refer to variables elsewhere: match them once those are known.
  for (const [node, checkpointNode] of [...matched]) {
    for (const slot of node.slots ?? []) {
      const original = matched.get(slot.variable);
      const reference = graph.nodes[checkpointNode]?.slot_variables?.find((entry) => entry.original_variable_node_id === original && entry.slot_name === slot.slotName);
      if (original === undefined || reference?.slot_variable_node_id === undefined) continue;
      matched.set(slot.slot, reference.slot_variable_node_id);
      assign(slot.slot, reference.slot_variable_node_id);
    }
  }
  for (const node of matched.keys()) await node.afterRestore?.();
  const allKeys = graph.nodes.flatMap((node) => (node.attributes ?? []).map((attribute) => attribute.checkpoint_key ?? "")).filter((key) => key && key !== OBJECT_GRAPH_KEY);
  const ours = [...reachableNodes(root), ...reachableNodes(root).flatMap((node) => (node.slots ?? []).map((slot) => slot.slot))];
  const unmatched = ours.filter((node) => node.variable && !usedKeys.has(graph.nodes[matched.get(node) ?? -1]?.attributes?.find((entry) => entry.name === VARIABLE_VALUE)?.checkpoint_key ?? "\u0000"));
  return new CheckpointLoadStatus(reader.prefix, allKeys.filter((key) => !usedKeys.has(key)), unmatched.map((node) => node.description ?? "a variable"));
}
