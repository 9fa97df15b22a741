/**
 * A model from its Keras config (Keras 2 or 3), after the safe-mode and unknown-class checks: what
 * every store that holds an architecture (`.h5`, `.keras`, SavedModel metadata) rebuilds it with.
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { deserializeKerasObject, type DeserializeOptions } from "./keras-json/deserialize.js";
import type { CustomObjectMap } from "./keras-json/custom-objects.js";
import type { KerasObjectConfig } from "../../formats/keras-json/schema.js";

/** Options of loading a model (`keras.models.loadModel`) and of {@link modelFromKerasConfig}. */
export interface LoadKerasModelOptions {
  /** Classes for names the file uses that tfjs-layers does not know (className → class). */
  customObjects?: CustomObjectMap;
  /** Refuse configs that carry code (Lambda bytecode, external functions). Default true. */
  safeMode?: boolean;
  /** Where the config came from (a file path), named in error messages. */
  source?: string;
  /** Compile the model as saved and restore its optimizer state (default true, like Keras). */
  compile?: boolean;
}

/**
 * Builds a tfjs model from a Keras 2 or Keras 3 model config, after the safe-mode check and the
 * unknown-class check. Weights are freshly initialized.
 *
 * @example
 * const model = await modelFromKerasConfig(JSON.parse(configJson));
 */
export async function modelFromKerasConfig(
  config: KerasObjectConfig,
  options: LoadKerasModelOptions & Pick<DeserializeOptions, "fastWeightInit"> = {},
): Promise<tfl.LayersModel> {
  const model = deserializeKerasObject(config, options);
  if (!(model instanceof tfl.LayersModel)) throw new Error(`${options.source ?? "the config"}: describes a ${config.class_name}, not a model.`);
  return model;
}
