import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import { buildObjectGraph, OBJECT_GRAPH_KEY, VARIABLE_VALUE } from "../../formats/checkpoint/object-graph.js";
import { writeBundle } from "../../formats/checkpoint/bundle.js";
import type { CheckpointReader } from "../../formats/checkpoint/reader.js";
import { writeCheckpointState } from "../../formats/checkpoint/state-file.js";
import { storedTensorToTfjs } from "../../formats/stored-tensor.js";
import { reachableNodes, type Trackable } from "./trackable.js";
import { checkpointTree } from "./checkpoint-tree.js";
import { overwriteVariableValues } from "../../backend/tensor-values.js";

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
  writeCheckpointState(dirname(prefix), {
    modelCheckpointPath: resolve(prefix),
    allModelCheckpointPaths: [resolve(prefix)],
    allModelCheckpointTimestamps: [now],
    lastPreservedTimestamp: now,
  });
}

/** Raised by the status checks of a restore; lists what did not match. */
export class CheckpointMismatchError extends Error {
  override name = "CheckpointMismatchError";
}

/**
 * What a restore matched (like TensorFlow's CheckpointLoadStatus): `assertConsumed()` when the
 * checkpoint and the objects must correspond exactly, `assertExistingObjectsMatched()` when the
 * checkpoint may hold more (transfer learning), `expectPartial()` to say a partial restore is intended.
 * Values for layers not built yet wait for their first build (deferred restoration); the lists below
 * change when that happens.
 */
export class CheckpointLoadStatus {
  constructor(
    readonly prefix: string,
    /** Checkpoint keys no object took (yet). */
    readonly unusedKeys: string[],
    /** Objects of ours that found no value in the checkpoint. */
    readonly unmatchedObjects: string[],
    /** Objects (unbuilt layers) whose checkpoint values wait for their variables to be created. */
    readonly pendingObjects: string[] = [],
  ) {}

  assertConsumed(): this {
    this.assertExistingObjectsMatched();
    if (this.unusedKeys.length > 0) {
      const pending =
        this.pendingObjects.length > 0
          ? ` Still waiting to be built (their values are restored when they create their variables, e.g. on their first call): ${this.pendingObjects.join(", ")}.`
          : "";
      throw new CheckpointMismatchError(
        `Unused values in checkpoint ${this.prefix}: ${this.unusedKeys.slice(0, 20).join(", ")}${this.unusedKeys.length > 20 ? ", …" : ""}.${pending} The checkpoint holds objects this model does not have; restore into a model with the same structure, or use assertExistingObjectsMatched()/expectPartial() if a partial restore is intended.`,
      );
    }
    return this;
  }

  assertExistingObjectsMatched(): this {
    if (this.unmatchedObjects.length > 0) {
      throw new CheckpointMismatchError(
        `Nothing in checkpoint ${this.prefix} for: ${this.unmatchedObjects.slice(0, 20).join(", ")}${this.unmatchedObjects.length > 20 ? ", …" : ""}. The checkpoint was written for a model with a different structure (layers with weights are matched by position: layer_with_weights-0, -1, …).`,
      );
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
    throw new CheckpointMismatchError(
      `${reader.prefix} is a name-based (TensorFlow 1) checkpoint without ${OBJECT_GRAPH_KEY}; tskeras restores object-based checkpoints (TensorFlow 2 / tf.keras save_weights).`,
    );
  }
  const matched = new Map<Trackable, number>([[root, 0]]);
  const usedKeys = new Set<string>();
  const valueKey = (checkpointNode: number | undefined) =>
    graph.nodes[checkpointNode ?? -1]?.attributes?.find((entry) => entry.name === VARIABLE_VALUE)?.checkpoint_key;
  const assign = (node: Trackable, checkpointNode: number) => {
    const key = valueKey(checkpointNode);
    if (!node.variable || !key) return;
    const stored = reader.tensorInfo(key);
    const expected = node.variable.shape;
    if (stored.shape.length !== expected.length || stored.shape.some((size, index) => size !== expected[index])) {
      throw new CheckpointMismatchError(
        `Shape mismatch for ${node.description ?? key}: the checkpoint's ${key} has shape [${stored.shape.join(", ")}], the model expects [${expected.join(", ")}]. The checkpoint was written for a different architecture.`,
      );
    }
    const backing = node.variable.backing;
    if (backing && backing.dtype === stored.dtype && (stored.dtype === "float32" || stored.dtype === "int32")) {
      // The bytes go from the file straight into the variable's memory: one variable at a time, no copies.
      overwriteVariableValues(backing, (bytes) => reader.readTensorInto(key, bytes));
    } else {
      const value = storedTensorToTfjs(reader.getTensor(key));
      const target =
        node.variable.dtype === "int64" ? value : value.dtype === node.variable.dtype ? value : tfc.cast(value, node.variable.dtype as tfc.DataType);
      node.variable.assign(target);
    }
    usedKeys.add(key);
  };
  /** Matches the children of already matched nodes, breadth-first, assigning variables on the way. */
  const walk = (start: Array<[Trackable, number]>) => {
    const queue = [...start];
    while (queue.length > 0) {
      const [node, checkpointNode] = queue.shift()!;
      for (const child of node.children) {
        if (matched.has(child.node)) continue;
        const edge = graph.nodes[checkpointNode]?.children?.find((reference) => reference.local_name === child.name);
        if (!edge || edge.node_id === undefined) continue;
        matched.set(child.node, edge.node_id);
        assign(child.node, edge.node_id);
        queue.push([child.node, edge.node_id]);
      }
    }
  };
  assign(root, 0);
  walk([[root, 0]]);
  // Slots hang off the optimizer but refer to variables elsewhere: match them once those are known.
  for (const [node, checkpointNode] of [...matched]) {
    for (const slot of node.slots ?? []) {
      const original = matched.get(slot.variable);
      const reference = graph.nodes[checkpointNode]?.slot_variables?.find(
        (entry) => entry.original_variable_node_id === original && entry.slot_name === slot.slotName,
      );
      if (original === undefined || reference?.slot_variable_node_id === undefined) continue;
      matched.set(slot.slot, reference.slot_variable_node_id);
      assign(slot.slot, reference.slot_variable_node_id);
    }
  }
  for (const node of matched.keys()) await node.afterRestore?.();
  const allKeys = graph.nodes
    .flatMap((node) => (node.attributes ?? []).map((attribute) => attribute.checkpoint_key ?? ""))
    .filter((key) => key && key !== OBJECT_GRAPH_KEY);
  const unmatchedVariables = (nodes: Trackable[]) =>
    nodes.filter((node) => node.variable && !usedKeys.has(valueKey(matched.get(node)) ?? "\u0000")).map((node) => node.description ?? "a variable");
  // An optimizer saved before its first step has no slots yet (TF creates them lazily); zero slots are then expected.
  const savedWithSlots = (node: Trackable) => !matched.has(node) || (graph.nodes[matched.get(node)!]?.slot_variables?.length ?? 0) > 0;
  const ours = [
    ...reachableNodes(root),
    ...reachableNodes(root)
      .filter(savedWithSlots)
      .flatMap((node) => (node.slots ?? []).map((slot) => slot.slot)),
  ];
  const status = new CheckpointLoadStatus(
    reader.prefix,
    allKeys.filter((key) => !usedKeys.has(key)),
    unmatchedVariables(ours),
  );
  // Objects that create their variables later take their values then; the status follows.
  for (const [node, checkpointNode] of matched) {
    if (!node.onChildrenCreated || !graph.nodes[checkpointNode]?.children?.length) continue;
    const description = node.description ?? "an object";
    status.pendingObjects.push(description);
    node.onChildrenCreated(() => {
      walk([[node, checkpointNode]]);
      // The layer had no children before its build, so everything under it is new.
      const added = reachableNodes(node).filter((entry) => entry !== node);
      status.unmatchedObjects.push(...unmatchedVariables(added));
      const stillUnused = status.unusedKeys.filter((key) => !usedKeys.has(key));
      status.unusedKeys.splice(0, status.unusedKeys.length, ...stillUnused);
      // Objects that create variables one by one (tf.Module) call this once per variable.
      const at = status.pendingObjects.indexOf(description);
      if (at >= 0) status.pendingObjects.splice(at, 1);
    });
  }
  return status;
}
