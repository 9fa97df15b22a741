import type { JsonObject, KerasObjectConfig } from "../keras-json/schema.js";
import { isJsonObject, isKerasObject } from "../keras-json/schema.js";
import type { Hdf5DatasetInfo, Hdf5File } from "./hdf5-file.js";

/** One saved weight of a layer, located in the file. */
export interface SavedWeight {
  /** The weight's name as saved, e.g. `dense/kernel:0` (Keras 2) or `0` (Keras 3). */
  name: string;
  /** Dataset path inside the HDF5 file. */
  path: string;
  dtype: Hdf5DatasetInfo["dtype"];
  shape: number[];
}

/** The saved weights of one layer, in the order its `weight_names` lists them. */
export interface SavedLayerWeights {
  layerName: string;
  weights: SavedWeight[];
}

/** What a Keras 2 (tf.keras) .h5 file holds, without the weight values. */
export interface LegacyH5Layout {
  /** `model`: whole model (`model_config` + `model_weights/`); `weights`: `save_weights` output. */
  kind: "model" | "weights";
  kerasVersion: string | null;
  backend: string | null;
  modelConfig: KerasObjectConfig | null;
  trainingConfig: JsonObject | null;
  /** Group holding the per-layer groups: `model_weights` or the root. */
  weightsRoot: string;
  /** Layers in the saved (topological) order, including layers without weights. */
  layers: SavedLayerWeights[];
}

/**
 * Reads the structure of a Keras 2 whole-model or weights-only .h5 file.
 *
 * @example
 * const file = await Hdf5File.open("model.h5");
 * const layout = readLegacyH5Layout(file); // layout.layers[0].weights[0].path
 */
export function readLegacyH5Layout(file: Hdf5File): LegacyH5Layout {
  const rootAttributes = file.attributeNames("/");
  const hasModelWeights = file.hasGroup("model_weights");
  const weightsOnly = !hasModelWeights && readSplitTextList(file, "/", "layer_names") !== null;
  if (!hasModelWeights && !weightsOnly) {
    if (file.hasGroup("layers") || file.hasGroup("vars")) {
      throw new Error(
        `${file.path} is a Keras 3 weights file (groups layers/…/vars), not a Keras 2 .h5 model. Load it with loadWeights into a model of the same architecture.`,
      );
    }
    throw new Error(
      `${file.path} is HDF5 but not a Keras file: it has neither a model_weights group nor a layer_names attribute (root attributes: ${rootAttributes.join(", ") || "none"}).`,
    );
  }
  const weightsRoot = hasModelWeights ? "model_weights" : "/";
  const modelConfigText = file.attributeText("/", "model_config");
  const modelConfig = modelConfigText === null ? null : parseConfig(file.path, "model_config", modelConfigText);
  if (modelConfig !== null && !isKerasObject(modelConfig))
    throw new Error(`${file.path}: model_config is not a {class_name, config} object. The file is corrupt or not written by Keras.`);
  const trainingText = file.attributeText("/", "training_config");
  const trainingConfig = trainingText === null ? null : parseConfig(file.path, "training_config", trainingText);
  const layerNames = readSplitTextList(file, weightsRoot, "layer_names");
  if (layerNames === null)
    throw new Error(`${file.path}: the ${weightsRoot} group has no layer_names attribute. The file is truncated or not written by Keras.`);
  const layers = layerNames.map((layerName) => {
    const layerGroup = weightsRoot === "/" ? layerName : `${weightsRoot}/${layerName}`;
    if (!file.hasGroup(layerGroup))
      throw new Error(`${file.path}: layer_names lists "${layerName}" but the group ${layerGroup} is missing. The file is truncated or corrupt.`);
    const weightNames = readSplitTextList(file, layerGroup, "weight_names") ?? [];
    const weights = weightNames.map((name) => {
      const info = file.datasetInfo(`${layerGroup}/${name}`);
      return { name, path: info.path, dtype: info.dtype, shape: info.shape };
    });
    return { layerName, weights };
  });
  return {
    kind: hasModelWeights ? "model" : "weights",
    kerasVersion: file.attributeText("/", "keras_version") ?? file.attributeText(weightsRoot, "keras_version"),
    backend: file.attributeText("/", "backend") ?? file.attributeText(weightsRoot, "backend"),
    modelConfig: modelConfig as KerasObjectConfig | null,
    trainingConfig: isJsonObject(trainingConfig) ? trainingConfig : null,
    weightsRoot,
    layers,
  };
}

/**
 * Keras splits long name lists over `name0`, `name1`, ... because HDF5 object headers are limited
 * to 64 KiB; this reads either form.
 */
export function readSplitTextList(file: Hdf5File, path: string, name: string): string[] | null {
  const whole = file.attributeTextList(path, name);
  if (whole !== null) return whole;
  const parts: string[] = [];
  for (let index = 0; ; index++) {
    const chunk = file.attributeTextList(path, `${name}${index}`);
    if (chunk === null) break;
    parts.push(...chunk);
  }
  return parts.length > 0 ? parts : null;
}

function parseConfig(path: string, attribute: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: the ${attribute} attribute is not valid JSON (${error instanceof Error ? error.message : String(error)}). The file is corrupt.`);
  }
}
