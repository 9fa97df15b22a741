/**
 * Python `keras.models.clone_model(model)`: the same architecture (layer names and configs) with
 * freshly initialized weights and no compile state. Custom layers need to be known (customObjects,
 * customObjectScope or registration), as for deserialization.
 *
 * @example
 * const copy = keras.models.cloneModel(model);
 * copy.compile({ optimizer: "adam", loss: "mse" });
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { deserializeKerasObject } from "../saving/keras-json/deserialize.js";
import type { CustomObjectMap } from "../saving/keras-json/custom-objects.js";
import { serializeKerasObject } from "../saving/keras-json/serialize.js";

export interface CloneModelOptions {
  customObjects?: CustomObjectMap;
}

export function cloneModel<M extends tfl.LayersModel>(model: M, options: CloneModelOptions = {}): M {
  const config = serializeKerasObject(model);
  if (config.class_name === "Model") config.class_name = "Functional";
  return deserializeKerasObject(config, { customObjects: options.customObjects ?? {}, safeMode: false }) as M;
}
