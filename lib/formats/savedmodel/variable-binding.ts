/**
 * Connects the `VarHandleOp` nodes of a SavedModel's top-level graph to checkpoint keys.
 *
 * The chain (all ids are positions in the object graphs):
 * - a top-level call node `StatefulPartitionedCall(x, handle_a, handle_b)` calls a
 *   concrete function whose `SavedConcreteFunction.bound_inputs` lists the variable
 *   objects appended after the caller's own inputs, so its last inputs are variables;
 * - SavedObjectGraph node ids match the ids of the checkpoint's TrackableObjectGraph
 *   (both are written from the same object list), whose node attributes carry the
 *   checkpoint key (e.g. `layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE`).
 * Without an object graph in the checkpoint, the key is rebuilt from the object path.
 *
 * @example
 * ```ts
 * const keys = variableKeysByHandleNode(metaGraph, trackableGraph);
 * keys.get("dense/kernel"); // "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"
 * ```
 */
import type { MetaGraphDef, NodeDef, SavedObjectGraph, TrackableObjectGraph } from "../protobuf/messages.js";
import { parseGraphEdge } from "./graph/edge-names.js";
import { escapeLocalName } from "../checkpoint/object-graph.js";

const callOps = new Set(["StatefulPartitionedCall", "PartitionedCall"]);

/** Checkpoint key of each variable object of the SavedObjectGraph, by node id. */
export function checkpointKeysByObject(objectGraph: SavedObjectGraph, trackableGraph: TrackableObjectGraph | undefined): Map<number, string> {
  const keys = new Map<number, string>();
  if (trackableGraph !== undefined) {
    trackableGraph.nodes.forEach((node, id) => {
      const value = node.attributes.find((attribute) => attribute.name === "VARIABLE_VALUE");
      if (value?.checkpoint_key) keys.set(id, value.checkpoint_key);
    });
    return keys;
  }
  for (const [id, path] of objectPaths(objectGraph)) {
    if (objectGraph.nodes[id]?.variable !== undefined) keys.set(id, `${path}/.ATTRIBUTES/VARIABLE_VALUE`);
  }
  return keys;
}

/**
 * Path of each object as TF names it in checkpoints: the first path found breadth-first
 * from the root, child names escaped; optimizer slot variables, which no object owns as a
 * child, are named `<variable path>/.OPTIMIZER_SLOT/<optimizer path>/<slot name>`.
 */
export function objectPaths(objectGraph: SavedObjectGraph): Map<number, string> {
  const paths = new Map<number, string>([[0, ""]]);
  const queue = [0];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const child of objectGraph.nodes[id]?.children ?? []) {
      const childId = child.node_id ?? 0;
      if (paths.has(childId)) continue;
      const prefix = paths.get(id)!;
      paths.set(childId, prefix === "" ? escapeLocalName(child.local_name ?? "") : `${prefix}/${escapeLocalName(child.local_name ?? "")}`);
      queue.push(childId);
    }
  }
  objectGraph.nodes.forEach((object, optimizerId) => {
    for (const slot of object.slot_variables) {
      const variablePath = paths.get(slot.original_variable_node_id ?? 0);
      const optimizerPath = paths.get(optimizerId);
      const slotId = slot.slot_variable_node_id ?? 0;
      if (variablePath === undefined || optimizerPath === undefined || paths.has(slotId)) continue;
      paths.set(slotId, `${variablePath}/.OPTIMIZER_SLOT/${optimizerPath}/${escapeLocalName(slot.slot_name ?? "")}`);
    }
  });
  return paths;
}

/** Variable object id of each top-level `VarHandleOp`, found through the calls' bound inputs. */
export function variableObjectsByHandleNode(metaGraph: MetaGraphDef): Map<string, number> {
  const objectGraph = metaGraph.object_graph_def;
  const nodes = new Map((metaGraph.graph_def?.node ?? []).map((node) => [node.name, node] as const));
  const result = new Map<string, number>();
  if (objectGraph === undefined) return result;
  for (const node of nodes.values()) {
    if (!callOps.has(node.op)) continue;
    const functionName = node.attr.f?.func?.name;
    const bound = functionName === undefined ? undefined : objectGraph.concrete_functions[functionName]?.bound_inputs;
    if (bound === undefined || bound.length === 0) continue;
    const dataInputs = node.input.map(parseGraphEdge).filter((edge) => !edge.control);
    const firstBound = dataInputs.length - bound.length;
    bound.forEach((objectId, position) => {
      const edge = dataInputs[firstBound + position];
      const handleNode = edge === undefined ? undefined : throughIdentities(nodes, edge.node);
      if (handleNode?.op === "VarHandleOp") result.set(handleNode.name, objectId);
    });
  }
  // Handles no call binds (e.g. only used by the saver) fall back to the variable's name.
  const objectsByName = new Map<string, number[]>();
  (objectGraph.nodes ?? []).forEach((object, id) => {
    const name = object.variable?.name;
    if (name !== undefined) objectsByName.set(name, [...(objectsByName.get(name) ?? []), id]);
  });
  for (const node of nodes.values()) {
    if (node.op !== "VarHandleOp" || result.has(node.name)) continue;
    const sharedName = node.attr.shared_name?.s === undefined ? node.name : new TextDecoder().decode(node.attr.shared_name.s);
    const candidates = objectsByName.get(sharedName);
    if (candidates?.length === 1) result.set(node.name, candidates[0]!);
  }
  return result;
}

function throughIdentities(nodes: Map<string, NodeDef>, name: string): NodeDef | undefined {
  let node = nodes.get(name);
  while (node !== undefined && node.op === "Identity" && node.input[0] !== undefined) {
    node = nodes.get(parseGraphEdge(node.input[0]).node);
  }
  return node;
}
