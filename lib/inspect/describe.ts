/**
 * One description of any saved model file or folder, read without building the model: what
 * `tskeras inspect`, the `%inspect` magic and the variable-map display show.
 */
import type { VariableMap } from "../display/renderers/variable-map.js";
import { loadCheckpoint } from "../formats/checkpoint/reader.js";
import { OBJECT_GRAPH_KEY } from "../formats/checkpoint/object-graph.js";
import { detectFormat } from "../formats/detect.js";
import { inspectSavedModel } from "../formats/savedmodel/index.js";
import { listTfjsVariables, readTfjsArtifacts } from "../formats/tfjs/model-json.js";
import { inspectFile } from "./inspect-file.js";

/** What `tskeras inspect --json` prints: the format, who wrote it, the model (if any) and the variables. */
export interface SavedFileDescription {
  format: string;
  producer: string | null;
  model: { className: string; name: string | null } | null;
  variables: Array<{ name: string; dtype: string; shape: number[] }>;
}

/**
 * Describes any model file or folder tskeras reads, without building the model: for `tskeras
 * inspect`, the `%inspect` magic and the variable-map display.
 */
export async function describeSavedFile(path: string): Promise<SavedFileDescription> {
  const detected = detectFormat(path);
  switch (detected.format) {
    case "hdf5":
    case "keras-zip": {
      const inspection = await inspectFile(detected.path);
      return {
        format: inspection.format,
        producer: inspection.producer,
        model: inspection.model ? { className: inspection.model.className, name: inspection.model.name } : null,
        variables: inspection.variables,
      };
    }
    case "tf-checkpoint": {
      return { format: "tf-checkpoint", producer: null, model: null, variables: checkpointVariables(detected.path) };
    }
    case "tfjs": {
      const artifacts = readTfjsArtifacts(detected.path);
      const topology = artifacts.modelTopology as { class_name?: string; config?: { name?: string } } | undefined;
      return {
        format: artifacts.format === "graph-model" ? "tfjs-graph-model" : "tfjs-layers-model",
        producer: artifacts.generatedBy ?? artifacts.convertedBy ?? null,
        model: topology?.class_name ? { className: topology.class_name, name: topology.config?.name ?? null } : null,
        variables: listTfjsVariables(detected.path),
      };
    }
    case "tf-savedmodel": {
      const inspection = inspectSavedModel(detected.path);
      return {
        format: "tf-savedmodel",
        producer: inspection.tensorflowVersion ? `tensorflow ${inspection.tensorflowVersion}` : null,
        model: inspection.kerasRootIdentifier ? { className: inspection.kerasRootIdentifier, name: null } : null,
        // The values live in variables/, a checkpoint: listed by their checkpoint keys.
        variables: checkpointVariables(detected.path),
      };
    }
  }
}

function checkpointVariables(path: string): SavedFileDescription["variables"] {
  const reader = loadCheckpoint(path);
  const dtypes = reader.getVariableToDtypeMap();
  const shapes = reader.getVariableToShapeMap();
  return reader
    .keys()
    .filter((key) => key !== OBJECT_GRAPH_KEY)
    .map((name) => ({ name, dtype: dtypes[name]!, shape: shapes[name]! }));
}

/** The variable-map view of a description (for the rich renderer). */
export function variableMapOf(path: string, description: SavedFileDescription): VariableMap {
  return { source: path, format: description.format, producer: description.producer ?? undefined, variables: description.variables };
}
