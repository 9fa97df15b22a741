/**
 * Reading tf-keras's `keras_metadata.pb`: one entry per Keras object of the SavedModel
 * (model, layers, metrics) whose `metadata` is a JSON string holding the layer config.
 * The Keras layer rebuilds models from the root entry's config.
 *
 * @example
 * ```ts
 * const entries = kerasMetadataEntries(readSavedModelDirectory("my_model").kerasMetadata!);
 * const root = entries.find((entry) => entry.nodePath === "root")!;
 * root.identifier;                                  // "_tf_keras_sequential"
 * (root.metadata as { class_name: string }).class_name; // "Sequential"
 * ```
 */
import type { KerasSavedMetadata, VersionDef } from "../protobuf/messages.js";

export interface KerasMetadataEntry {
  /** Node id in the SavedObjectGraph (and the checkpoint's object graph). */
  nodeId: number;
  /** Python-style path from the model, e.g. `root.layer_with_weights-0`. */
  nodePath: string;
  /** Kind of object, e.g. `_tf_keras_layer`, `_tf_keras_sequential`, `_tf_keras_metric`. */
  identifier: string;
  /** The parsed metadata JSON (class_name, name, config, build_input_shape, ...). */
  metadata: unknown;
  version: VersionDef | undefined;
}

export function kerasMetadataEntries(kerasMetadata: KerasSavedMetadata): KerasMetadataEntry[] {
  return kerasMetadata.nodes.map((node) => {
    const nodePath = node.node_path ?? "";
    let metadata: unknown;
    try {
      metadata = JSON.parse(node.metadata ?? "{}");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `keras_metadata.pb entry "${nodePath}" holds metadata that is not JSON (${reason}). ` +
          `The file may be damaged; the model can still run through its signatures.`,
      );
    }
    return { nodeId: node.node_id ?? 0, nodePath, identifier: node.identifier ?? "", metadata, version: node.version };
  });
}
