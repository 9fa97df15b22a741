/**
 * What a Keras file (`.h5`, `.weights.h5`, `.keras`) holds: its producer, the model config's class and
 * layers, and every stored variable, read without building or running anything.
 */
import { detectFormat } from "../formats/detect.js";
import { Hdf5File } from "../formats/hdf5/hdf5-file.js";
import { readLegacyH5Layout } from "../formats/hdf5/legacy-h5-layout.js";
import { describeVariables, readKeras3Weights, readKerasArchive } from "../formats/keras-archive/keras-archive.js";
import { isJsonObject, type KerasObjectConfig } from "../formats/keras-json/schema.js";

/** One stored variable: its path inside the file, dtype and shape. */
export interface InspectedVariable {
  name: string;
  dtype: string;
  shape: number[];
}

/** Summary of a model config: class and layers (names and classes), read without building it. */
export interface ModelConfigSummary {
  className: string;
  name: string | null;
  layers: { className: string; name: string }[];
  /** The config as stored, for display (config trees). */
  config: KerasObjectConfig;
}

/** What {@link inspectFile} reports. Nothing in the file is built or executed. */
export interface FileInspection {
  format: "keras2-h5-model" | "keras-h5-weights" | "keras3-weights-h5" | "keras3-zip" | "hdf5" | string;
  /** e.g. `keras 2.3.1 (backend tensorflow)` or `keras 3.10.0`; null when unrecorded. */
  producer: string | null;
  model: ModelConfigSummary | null;
  variables: InspectedVariable[];
}

/**
 * Lists what a saved-model file holds without rebuilding or running anything: usable on files
 * with unknown custom classes or hostile Lambda layers.
 *
 * @example
 * const info = await inspectFile("model.h5");
 * info.variables[0] // { name: "model_weights/dense/dense/bias:0", dtype: "float32", shape: [10] }
 */
export async function inspectFile(path: string): Promise<FileInspection> {
  const { format, path: resolved } = detectFormat(path);
  if (format === "hdf5") return inspectHdf5(resolved);
  if (format === "keras-zip") {
    const archive = await readKerasArchive(resolved);
    const version = archive.metadata?.keras_version;
    return {
      format: "keras3-zip",
      producer: typeof version === "string" ? `keras ${version}` : null,
      model: summarizeConfig(archive.config),
      variables: describeVariables(archive.variables).map(({ path: name, dtype, shape }) => ({ name, dtype, shape })),
    };
  }
  throw new Error(`${path} is a ${format} file, not a Keras file. Expected a Keras .h5 or .keras file; describeSavedFile reads every format.`);
}

async function inspectHdf5(path: string): Promise<FileInspection> {
  const file = await Hdf5File.open(path);
  try {
    const variables = file.listDatasets("/").map(({ path: name, dtype, shape }) => ({ name, dtype, shape }));
    if (file.hasGroup("layers") && !file.hasGroup("model_weights")) {
      readKeras3Weights(file); // validates the layout
      return { format: "keras3-weights-h5", producer: null, model: null, variables };
    }
    const layout = readLegacyH5Layout(file);
    const producer = layout.kerasVersion ? `keras ${layout.kerasVersion}${layout.backend ? ` (backend ${layout.backend})` : ""}` : null;
    return {
      format: layout.kind === "model" ? "keras2-h5-model" : "keras-h5-weights",
      producer,
      model: layout.modelConfig ? summarizeConfig(layout.modelConfig) : null,
      variables,
    };
  } finally {
    file.close();
  }
}

/** Class and layer names of a Sequential/Functional config (Keras 2 or 3, or the legacy bare list). */
export function summarizeConfig(config: KerasObjectConfig): ModelConfigSummary {
  const inner = config.config as unknown;
  const layerList = Array.isArray(inner) ? inner : isJsonObject(inner) && Array.isArray(inner["layers"]) ? inner["layers"] : [];
  const layers = layerList.flatMap((layer) => {
    if (!isJsonObject(layer) || typeof layer["class_name"] !== "string") return [];
    const layerConfig = layer["config"];
    const name =
      isJsonObject(layerConfig) && typeof layerConfig["name"] === "string" ? layerConfig["name"] : typeof layer["name"] === "string" ? layer["name"] : "";
    return [{ className: layer["class_name"], name }];
  });
  const name = isJsonObject(inner) && typeof inner["name"] === "string" ? inner["name"] : null;
  return { className: config.class_name, name, layers, config };
}
