/**
 * Python Keras's serialization API in camelCase: model/layer configs and JSON, custom objects
 * (argument, scope, registration) and the registry queries.
 *
 * @example
 * const config = model.getConfig();
 * const copy = keras.Model.fromConfig(config, { customObjects: { CustomLayer } });
 * keras.utils.customObjectScope({ CustomLayer }, () => keras.models.modelFromJSON(model.toJSON()));
 */
import { constructFromConfig } from "../construct-from-config.js";
import * as tfl from "@tensorflow/tfjs-layers";
import { deserializeKerasObject, type DeserializeOptions } from "./keras-json/deserialize.js";
import {
  registerCustomObject,
  registeredNameOf,
  registeredObject,
  withCustomObjectScope,
  type CustomObject,
  type CustomObjectMap,
} from "./keras-json/custom-objects.js";
import { kerasConfigOf, serializeKerasObject, type SerializableObject } from "./keras-json/serialize.js";
import { isKerasObject, type JsonObject, type JsonValue, type KerasObjectConfig } from "../../formats/keras-json/schema.js";
import { isSubclassed } from "../models/subclassed.js";
import { withVersionedHardSigmoid } from "../layers/hard-sigmoid.js";
import { kerasClassName } from "../library-classes.js";

export type { CustomObject, CustomObjectMap, DeserializeOptions };

/** Options of the `fromConfig`/`deserialize` functions (Python's `custom_objects=`). */
export interface FromConfigOptions {
  customObjects?: CustomObjectMap;
  safeMode?: boolean;
}

/** Python `model.get_config()`: the model's config (name, layers, endpoints) in Keras spelling. */
export function modelConfig(model: SerializableObject): JsonObject {
  return kerasConfigOf(model);
}

/** Respells tfjs's model config (from `super.getConfig()`) the Keras way. */
export function kerasModelConfig(model: tfl.LayersModel, tfjsConfig: object): JsonObject {
  // The config comes from tfjs's own Sequential/Model getConfig whatever a subclass is called, so it is
  // respelled as theirs (a user class's name would keep tfjs's `className` keys in the saved file).
  const configOf = model instanceof tfl.Sequential ? "Sequential" : "Model";
  // The layers go along so registered custom layers are recognized by identity, not by class name.
  const source = { getClassName: () => configOf, getConfig: () => tfjsConfig, layers: model.layers };
  return kerasConfigOf(source);
}

/**
 * Keras 2 lists a Sequential's input as an `InputLayer` first in its config; tfjs leaves it out and
 * relies on the first layer's `batch_input_shape`, which a model started with `keras.Input` lacks.
 */
export function sequentialConfigWithInputLayer(model: tfl.LayersModel, config: JsonObject): JsonObject {
  const layers = config["layers"];
  const input = model.inputs[0];
  if (!Array.isArray(layers) || input === undefined || model.inputs.length !== 1) return config;
  const first = layers[0] as JsonObject | undefined;
  if (first === undefined || first["class_name"] === "InputLayer") return config;
  const inputLayer: JsonObject = {
    class_name: "InputLayer",
    config: { batch_input_shape: input.shape as JsonValue, dtype: input.dtype, sparse: false, ragged: false, name: input.sourceLayer.name },
  };
  return { ...config, layers: [inputLayer, ...layers] };
}

/**
 * Both forms of a model's static fromConfig: Python's `(config, { customObjects })` and tfjs's
 * `(cls, config, ...)`. A subclass of Model/Sequential is constructed from its config, as Keras does.
 */
export function modelFromConfigArguments(
  cls: unknown,
  base: unknown,
  className: "Functional" | "Sequential",
  args: unknown[],
  tfjsFromConfig: (...args: never[]) => unknown,
): never {
  if (typeof args[0] === "function") return (tfjsFromConfig as (...args: unknown[]) => never)(...args);
  const [config, options] = args as [JsonObject | KerasObjectConfig, FromConfigOptions | undefined];
  if (cls !== base) return constructFromConfig(cls as new () => never, config as Record<string, unknown>);
  return modelFromConfig<never>(className, config, options);
}

/**
 * The class name Keras writes for a model: Keras 2 calls graph models `Functional`; a subclassed
 * model is written under its own class's name (`obj.__class__.__name__`), as Keras does.
 */
export function modelClassName(model: tfl.LayersModel): string {
  if (isSubclassed(model)) return kerasClassName(model);
  const className = model.getClassName();
  return className === "Model" ? "Functional" : className;
}

/** Python `model.to_json()`: `{class_name, config, keras_version, backend}` as a JSON string. */
export function modelToJSON(model: tfl.LayersModel, config: JsonObject = modelConfig(model)): string {
  const registeredName = registeredNameOf(model.constructor);
  return JSON.stringify({
    class_name: modelClassName(model),
    config,
    ...(registeredName === undefined ? {} : { registered_name: registeredName }),
    keras_version: kerasVersion,
    backend: "tensorflow",
  });
}

/**
 * A model's Keras JSON as an object (`{class_name, config, keras_version, backend}`), for writers.
 * Our Model/Sequential already speak Keras in `toJSON()`; a plain tfjs model is respelled here.
 */
export function kerasModelJson(model: tfl.LayersModel): JsonObject {
  const overridden = model.toJSON !== tfl.LayersModel.prototype.toJSON && model.toJSON !== tfl.Sequential.prototype.toJSON;
  return JSON.parse(overridden ? (model.toJSON() as string) : modelToJSON(model)) as JsonObject;
}

/** The Keras schema tskeras writes (tf.keras 2), marked as written by tskeras. */
export const kerasVersion = "2.15.0 (tskeras)";

/** The Keras 3 schema tskeras writes in `.keras` archives (Keras 3.10 `config.json`), marked as written by tskeras. */
export const keras3Version = "3.10.0 (tskeras)";

/**
 * Python `Model.from_config(config)` / `Sequential.from_config(config)`: accepts the inner config
 * (`model.getConfig()`) or a whole `{class_name, config}`; Keras 2 and Keras 3 spellings.
 */
export function modelFromConfig<M>(defaultClassName: "Functional" | "Sequential", config: JsonObject | KerasObjectConfig, options: FromConfigOptions = {}): M {
  const whole = isKerasObject(config) && config.config !== undefined ? config : { class_name: defaultClassName, config: config as JsonObject };
  return deserializeKerasObject(whole, options) as M;
}

/**
 * Python `keras.models.model_from_json(json, custom_objects)`.
 *
 * @example
 * const copy = keras.models.modelFromJSON(model.toJSON(), { CustomLayer });
 */
export function modelFromJSON(json: string | KerasObjectConfig, customObjects: CustomObjectMap = {}): tfl.LayersModel {
  const parsed = (typeof json === "string" ? JSON.parse(json) : json) as KerasObjectConfig & { model_config?: KerasObjectConfig };
  // hard_sigmoid means what the writing Keras meant (to_json records keras_version; none means Keras 3).
  const config = withVersionedHardSigmoid(parsed.model_config ?? parsed, (parsed as { keras_version?: string }).keras_version);
  const model = deserializeKerasObject(config, { customObjects });
  if (!(model instanceof tfl.LayersModel))
    throw new Error(`modelFromJSON: the JSON describes a ${config.class_name}, not a model. Use keras.layers.deserialize for layers.`);
  return model;
}

/** Python `keras.layers.serialize(layer)`: `{class_name, config}` (plus `registered_name` when registered). */
export function serialize(object: SerializableObject): KerasObjectConfig {
  return serializeKerasObject(object);
}

/** Python `keras.layers.deserialize(config, custom_objects=...)`. */
export function deserialize<T = tfl.layers.Layer>(config: KerasObjectConfig, options: FromConfigOptions = {}): T {
  // A Keras-spelled config carries no version: `hard_sigmoid` is Keras 3's.
  return deserializeKerasObject(withVersionedHardSigmoid(config, undefined), options) as T;
}

/**
 * Python `keras.utils.custom_object_scope(objects)`: the objects are known to every deserialization
 * inside `body`; an async body keeps them until its promise settles.
 *
 * @example
 * const model = await keras.utils.customObjectScope({ CustomLayer }, () => keras.models.loadModel("m.keras"));
 */
export function customObjectScope<T>(objects: CustomObjectMap, body: () => T): T {
  return withCustomObjectScope(objects, body);
}

export interface RegisterOptions {
  /** Python `package=`; default `"Custom"`. */
  package?: string;
  /** Python `name=`; default the class's `className` or its JavaScript name. */
  name?: string;
}

/**
 * Python `@keras.saving.register_keras_serializable(package="MyLayers")`: registers the class (or
 * function) as `MyLayers>Name`, so configs naming it deserialize and serialized configs carry
 * `registered_name`. Works as a function and as a class decorator.
 *
 * @example
 * keras.saving.registerKerasSerializable({ package: "MyLayers" })(CustomLayer);
 * @keras.saving.registerKerasSerializable({ package: "MyLayers" }) class Other extends keras.layers.Layer {}
 */
export function registerKerasSerializable(options: RegisterOptions = {}): <T extends CustomObject>(object: T, context?: unknown) => T {
  return <T extends CustomObject>(object: T): T => {
    const own = Object.hasOwn(object, "className") ? (object as { className?: unknown }).className : undefined;
    const name = options.name ?? (typeof own === "string" ? own : object.name);
    if (!name) throw new Error('registerKerasSerializable: the object has no name; pass one: registerKerasSerializable({ package, name: "MyName" }).');
    // tfjs names a layer's class by its static className; give registered classes one, as Keras uses the class name.
    if (typeof own !== "string" && typeof object === "function" && object.prototype !== undefined)
      Object.defineProperty(object, "className", { value: name, configurable: true });
    registerCustomObject(object, options.package ?? "Custom", name);
    return object;
  };
}

/** Python `keras.saving.get_registered_name(obj)`: `package>Name`, or the plain name when unregistered. */
export function getRegisteredName(object: CustomObject): string {
  return registeredNameOf(object) ?? (object as { className?: string }).className ?? object.name;
}

/** Python `keras.saving.get_registered_object(name, custom_objects)`. */
export function getRegisteredObject(name: string, customObjects: CustomObjectMap = {}): CustomObject | undefined {
  return customObjects[name] ?? registeredObject(name);
}
