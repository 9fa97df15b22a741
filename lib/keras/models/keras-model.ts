/**
 * The one model type users get back from tskeras: whatever returns a model (`loadModel`,
 * `modelFromJSON`, `cloneModel`, `%load`) gives a `keras.Model` or `keras.Sequential` (possibly a
 * user subclass), so Keras's methods and return types apply without casts.
 */
import * as tfl from "@tensorflow/tfjs-layers";
import type { KerasObjectConfig } from "../saving/keras-json/schema.js";
import type { CustomObjectMap } from "../saving/keras-json/custom-objects.js";
import { modelFromJSON as modelFromJSONObject } from "../saving/serialization.js";
import { Model } from "./model.js";
import { Sequential } from "./sequential.js";

/** A model as Keras returns it from loading or deserializing: functional/subclassed, or Sequential. */
export type KerasModel = Model | Sequential;

/** Checks that a rebuilt model is one of tskeras's classes (so its Keras methods exist), naming what it got otherwise. */
export function asKerasModel(model: tfl.LayersModel, source: string): KerasModel {
  if (model instanceof Model || model instanceof Sequential) return model;
  throw new Error(`${source} was rebuilt as a plain TensorFlow.js ${model.getClassName()} (${model.constructor.name}), not a keras.Model: its class must extend keras.Model or keras.Sequential to get Keras's methods.`);
}

/**
 * Python `keras.models.model_from_json(json, custom_objects)`: the architecture, freshly initialized.
 * @example
 * const copy = keras.models.modelFromJSON(model.toJSON());
 */
export function modelFromJSON(json: string | KerasObjectConfig, customObjects: CustomObjectMap = {}): KerasModel {
  return asKerasModel(modelFromJSONObject(json, customObjects), "modelFromJSON's JSON");
}
