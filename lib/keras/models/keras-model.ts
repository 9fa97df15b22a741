/**
 * The one model type users get back from tskeras: whatever returns a model (`loadModel`,
 * `modelFromJSON`, `cloneModel`, `%load`) gives a `keras.Model` or `keras.Sequential` (possibly a
 * user subclass), so Keras's methods and return types apply without casts.
 */
import type * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { RevivedKerasModel } from "../saving/savedmodel/revived-model.js";
import { markLibraryClass } from "../library-classes.js";
import { withKerasModelApi } from "./keras-model-api.js";
import type { KerasObjectConfig } from "../../formats/keras-json/schema.js";
import type { CustomObjectMap } from "../saving/keras-json/custom-objects.js";
import { modelFromJSON as modelFromJSONObject } from "../saving/serialization.js";
import { Model } from "./model.js";
import { Sequential } from "./sequential.js";
import { loadModel as loadSavedModel, type LoadKerasModelOptions } from "../saving/api.js";

/**
 * A SavedModel whose custom class was not given, revived from its saved forward pass (tf-keras's
 * `RevivedModel`), with the Keras model API on top; training methods explain why they are unavailable.
 */
export class RevivedModel extends withKerasModelApi(RevivedKerasModel) {
  /** The saved forward pass, typed for the common single-output case like `keras.Model`. */
  override predict(x: tfc.Tensor | tfc.Tensor[], args?: Parameters<tfl.LayersModel["predict"]>[1]): tfc.Tensor {
    return super.predict(x, args) as tfc.Tensor;
  }
}

markLibraryClass(RevivedModel);
// Shown as before (and as the SavedModel reader names it): `model.constructor.name` is "RevivedKerasModel".
Object.defineProperty(RevivedModel, "name", { value: "RevivedKerasModel" });

/** A model as Keras returns it from loading or deserializing: functional/subclassed, Sequential, or revived. */
export type KerasModel = Model | Sequential | RevivedModel;

/** Checks that a rebuilt model is one of tskeras's classes (so its Keras methods exist), naming what it got otherwise. */
export function asKerasModel(model: tfl.LayersModel, source: string): KerasModel {
  if (model instanceof Model || model instanceof Sequential || model instanceof RevivedModel) return model;
  // Made by readers below the Keras layer (SavedModel revival, tfjs's model.json loader), which know no Keras
  // API: the same object (same state) gains it here. Only these exact classes: their constructors add nothing
  // the Keras classes need.
  const replacement = new Map<object, object>([
    [RevivedKerasModel.prototype, RevivedModel.prototype],
    [tfl.Sequential.prototype, Sequential.prototype],
    [tfl.LayersModel.prototype, Model.prototype],
  ]).get(Object.getPrototypeOf(model) as object);
  if (replacement !== undefined) {
    Object.setPrototypeOf(model, replacement);
    return model as KerasModel;
  }
  throw new Error(
    `${source} was rebuilt as a plain TensorFlow.js ${model.getClassName()} (${model.constructor.name}), not a keras.Model: its class must extend keras.Model or keras.Sequential to get Keras's methods.`,
  );
}

/**
 * Python `keras.models.model_from_json(json, custom_objects)`: the architecture, freshly initialized.
 * @example
 * const copy = keras.models.modelFromJSON(model.toJSON());
 */
export function modelFromJSON(json: string | KerasObjectConfig, customObjects: CustomObjectMap = {}): KerasModel {
  return asKerasModel(modelFromJSONObject(json, customObjects), "modelFromJSON's JSON");
}

/**
 * Python `keras.models.load_model(path)`: Keras 2 `.h5`, Keras 3 `.keras` (checked by content, not
 * suffix), SavedModel folders and TensorFlow.js `model.json`, through the one saving dispatcher.
 * `safeMode` (default true) refuses files carrying code. The result is a `keras.Model` (or
 * `keras.Sequential`, or your subclass of either).
 * @example
 * const model = await keras.models.loadModel("my_model.h5");
 */
export async function loadModel(path: string, options: LoadKerasModelOptions = {}): Promise<KerasModel> {
  return asKerasModel(await loadSavedModel(path, options), path);
}
