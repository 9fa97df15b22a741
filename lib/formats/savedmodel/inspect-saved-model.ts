/**
 * `inspectSavedModel(dir)`: what a SavedModel offers, without running anything (like
 * `saved_model_cli show --all`), plus a text formatter for notebooks and terminals.
 *
 * @example
 * ```ts
 * const info = inspectSavedModel("times_three_float");
 * info.signatures.serving_default?.inputs.x; // { name: "serving_default_x:0", dtype: "float32", shape: [] }
 * console.log(formatSavedModelInspection(info));
 * ```
 */
import { dataTypeEnumName, dataTypeName } from "./graph-dtypes.js";
import type { TensorInfo } from "../protobuf/messages.js";
import { readSavedModelDirectory, selectMetaGraph } from "./saved-model-directory.js";
import { shapeFromProto } from "./tensor-proto.js";
import { tensorSpecFromInfo, type TensorSpec } from "./signature-tensor.js";
import { objectPaths } from "./variable-binding.js";

export interface SignatureInspection {
  methodName: string;
  inputs: Record<string, TensorSpec>;
  outputs: Record<string, TensorSpec>;
}

export interface SavedModelInspection {
  tags: string[];
  tensorflowVersion: string | undefined;
  signatures: Record<string, SignatureInspection>;
  /**
   * Variables of the object graph, in object-graph order. `path` is the object path from
   * the root (the checkpoint key without `/.ATTRIBUTES/VARIABLE_VALUE`), e.g.
   * `layer_with_weights-0/kernel`; `name` is the TensorFlow variable name, e.g. `dense/kernel`.
   */
  variables: Array<{ name: string; path: string; dtype: string; shape: number[] | null }>;
  /** Root object identifier of a tf-keras model (e.g. `_tf_keras_sequential`), if any. */
  kerasRootIdentifier: string | undefined;
}

export function inspectSavedModel(directory: string, options: { tags?: string[] } = {}): SavedModelInspection {
  const files = readSavedModelDirectory(directory);
  const metaGraph = selectMetaGraph(files.savedModel, options.tags);
  const specs = (infos: Record<string, TensorInfo>): Record<string, TensorSpec> =>
    Object.fromEntries(Object.entries(infos).map(([name, info]) => [name, tensorSpecFromInfo(info)]));
  const signatures: Record<string, SignatureInspection> = {};
  for (const [key, definition] of Object.entries(metaGraph.signature_def)) {
    signatures[key] = { methodName: definition.method_name ?? "", inputs: specs(definition.inputs), outputs: specs(definition.outputs) };
  }
  const objectGraph = metaGraph.object_graph_def ?? { nodes: [], concrete_functions: {} };
  const paths = objectPaths(objectGraph);
  const variables = objectGraph.nodes.flatMap((object, id) =>
    object.variable === undefined
      ? []
      : [
          {
            name: object.variable.name ?? "",
            path: paths.get(id) ?? "",
            dtype: dataTypeName(object.variable.dtype),
            shape: shapeFromProto(object.variable.shape),
          },
        ],
  );
  return {
    tags: metaGraph.meta_info_def?.tags ?? [],
    tensorflowVersion: metaGraph.meta_info_def?.tensorflow_version,
    signatures,
    variables,
    kerasRootIdentifier: files.kerasMetadata?.nodes.find((node) => (node.node_id ?? 0) === 0)?.identifier,
  };
}

/** Text in the spirit of `saved_model_cli show --all`. */
export function formatSavedModelInspection(inspection: SavedModelInspection): string {
  const shapeText = (shape: number[] | null): string => (shape === null ? "unknown_rank" : `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`);
  const lines = [`MetaGraphDef with tag-set: '${inspection.tags.join(", ")}' contains the following SignatureDefs:`];
  // saved_model_cli lists signatures sorted by key.
  for (const [key, signature] of Object.entries(inspection.signatures).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    lines.push("", `signature_def['${key}']:`, "  The given SavedModel SignatureDef contains the following input(s):");
    for (const [name, spec] of Object.entries(signature.inputs)) {
      lines.push(
        `    inputs['${name}'] tensor_info:`,
        `        dtype: ${dataTypeEnumName(spec.dtype)}`,
        `        shape: ${shapeText(spec.shape)}`,
        `        name: ${spec.name}`,
      );
    }
    lines.push("  The given SavedModel SignatureDef contains the following output(s):");
    for (const [name, spec] of Object.entries(signature.outputs)) {
      lines.push(
        `    outputs['${name}'] tensor_info:`,
        `        dtype: ${dataTypeEnumName(spec.dtype)}`,
        `        shape: ${shapeText(spec.shape)}`,
        `        name: ${spec.name}`,
      );
    }
    lines.push(`  Method name is: ${signature.methodName}`);
  }
  lines.push("", `Variables (${inspection.variables.length}):`);
  for (const variable of inspection.variables) {
    lines.push(`  ${variable.path}  (${variable.name})  ${variable.dtype}  ${shapeText(variable.shape)}`);
  }
  return lines.join("\n");
}
