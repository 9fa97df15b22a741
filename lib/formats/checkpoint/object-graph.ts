/**
 * Object-based checkpoints (TF2 `tf.train.Checkpoint`, tf.keras `save_weights` in TF format): a
 * TrackableObjectGraph stored under `_CHECKPOINTABLE_OBJECT_GRAPH` maps objects and their named
 * edges to tensor keys such as `layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE`.
 */
import type { TrackableObject, TrackableObjectGraph } from "../protobuf/messages.js";
import { decodeFilled, trackableObjectGraphMessage } from "../protobuf/tensorflow.js";
import type { CheckpointTensorInput } from "./bundle.js";

export type { TrackableObject, TrackableObjectGraph } from "../protobuf/messages.js";

/** Tensor key holding the serialized object graph. */
export const OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH";
/** Conventional attribute name of a variable's value. */
export const VARIABLE_VALUE = "VARIABLE_VALUE";

/** Decodes a serialized TrackableObjectGraph. Throws (protobufjs errors) on malformed bytes. */
export function decodeObjectGraph(bytes: Uint8Array): TrackableObjectGraph {
  return decodeFilled<TrackableObjectGraph>(trackableObjectGraphMessage, bytes);
}

/** Serializes a TrackableObjectGraph. */
export function encodeObjectGraph(graph: TrackableObjectGraph): Uint8Array {
  return trackableObjectGraphMessage.encode(trackableObjectGraphMessage.fromObject(graph)).finish();
}

/**
 * Escapes one edge name so that "/" stays a path separator: "." → "..", "/" → ".S".
 *
 * @example
 * escapeLocalName("a/b.c"); // "a.Sb..c"
 */
export function escapeLocalName(name: string): string {
  return name.replaceAll(".", "..").replaceAll("/", ".S");
}

/** Joins escaped edge names from the root: `objectPath(["optimizer", "iter"])` → "optimizer/iter". */
export function objectPath(edgeNames: readonly string[]): string {
  return edgeNames.map(escapeLocalName).join("/");
}

/**
 * Tensor key of an object's attribute.
 *
 * @example
 * checkpointKey("layer_with_weights-0/kernel"); // "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"
 */
export function checkpointKey(path: string, attribute = VARIABLE_VALUE): string {
  return `${path}/.ATTRIBUTES/${escapeLocalName(attribute)}`;
}

/**
 * Path of an optimizer slot variable (its value lives at `checkpointKey(slotVariablePath(...))`).
 *
 * @example
 * slotVariablePath("layer_with_weights-0/kernel", "optimizer", "m"); // "layer_with_weights-0/kernel/.OPTIMIZER_SLOT/optimizer/m"
 */
export function slotVariablePath(variablePath: string, optimizerPath: string, slotName: string): string {
  return `${variablePath}/.OPTIMIZER_SLOT/${optimizerPath}/${escapeLocalName(slotName)}`;
}

/** A node of the tree a library maps its models and optimizers onto. */
export interface TrackableNode {
  children?: { name: string; node: TrackableNode }[];
  /** Saved values; a variable usually has one attribute named VARIABLE_VALUE. */
  attributes?: { name: string; tensor: CheckpointTensorInput; fullName?: string }[];
  /** Slots this node (an optimizer) keeps for variables reachable elsewhere in the tree. */
  slots?: { variable: TrackableNode; slotName: string; slot: TrackableNode }[];
}

/**
 * Numbers the tree breadth-first (root = node 0, as TensorFlow does), names every attribute's key
 * from its shortest edge path, and returns the graph plus the tensors to write (graph included).
 *
 * @example
 * const kernel = { attributes: [{ name: "VARIABLE_VALUE", tensor }] };
 * const { tensors } = buildObjectGraph({ children: [{ name: "layer_with_weights-0", node: { children: [{ name: "kernel", node: kernel }] } }] });
 * writeBundle("out/ckpt", tensors);
 */
export function buildObjectGraph(root: TrackableNode): { graph: TrackableObjectGraph; tensors: [string, CheckpointTensorInput][] } {
  const ids = new Map<TrackableNode, number>([[root, 0]]);
  const paths = new Map<TrackableNode, string>([[root, ""]]);
  const order: TrackableNode[] = [root];
  for (let index = 0; index < order.length; index++) {
    const node = order[index]!;
    for (const child of node.children ?? []) {
      if (ids.has(child.node)) continue;
      ids.set(child.node, order.length);
      const parentPath = paths.get(node)!;
      paths.set(child.node, parentPath ? `${parentPath}/${escapeLocalName(child.name)}` : escapeLocalName(child.name));
      order.push(child.node);
    }
  }
  // Slot variables are not children of anything; they get ids after the tree and slot-derived paths.
  for (const node of [...order]) {
    for (const slot of node.slots ?? []) {
      const variablePath = paths.get(slot.variable);
      if (variablePath === undefined)
        throw new Error(`buildObjectGraph: slot "${slot.slotName}" refers to a variable that is not reachable from the root; add the variable to the tree.`);
      if (ids.has(slot.slot)) continue;
      ids.set(slot.slot, order.length);
      paths.set(slot.slot, slotVariablePath(variablePath, paths.get(node)!, slot.slotName));
      order.push(slot.slot);
    }
  }
  const tensors: [string, CheckpointTensorInput][] = [];
  const nodes: TrackableObject[] = order.map((node) => {
    const path = paths.get(node)!;
    return {
      children: (node.children ?? []).map((child) => ({ node_id: ids.get(child.node)!, local_name: child.name })),
      attributes: (node.attributes ?? []).map((attribute) => {
        const key = checkpointKey(path, attribute.name);
        tensors.push([key, attribute.tensor]);
        return { name: attribute.name, full_name: attribute.fullName ?? path, checkpoint_key: key };
      }),
      slot_variables: (node.slots ?? []).map((slot) => ({
        original_variable_node_id: ids.get(slot.variable)!,
        slot_name: slot.slotName,
        slot_variable_node_id: ids.get(slot.slot)!,
      })),
    };
  });
  const graph: TrackableObjectGraph = { nodes };
  tensors.push([OBJECT_GRAPH_KEY, { dtype: "string", shape: [], data: [encodeObjectGraph(graph)] }]);
  return { graph, tensors };
}
