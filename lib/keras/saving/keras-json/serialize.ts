/**
 * Live objects → Keras JSON (the Keras 2 `{class_name, config}` schema, snake_case keys), with
 * `registered_name` for classes registered through `registerKerasSerializable`.
 *
 * @example
 * serializeKerasObject(new keras.layers.Dense(3)); // { class_name: "Dense", config: { units: 3, ... } }
 */
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-layers";
import { toKerasConfig } from "./case-conversion.js";
import { registeredEntries, registeredNameOf } from "./custom-objects.js";
import { isJsonObject, type JsonObject, type JsonValue, type KerasObjectConfig } from "../../../formats/keras-json/schema.js";

/** Class names tfjs-layers itself registers (its configs are camelCase and get respelled). */
const builtinClassNames = new Set(Object.keys(tfc.serialization.SerializationMap.getMap().classNameMap));

/** Whether a class name is one of tfjs-layers's own (configs respelled) rather than a user's (kept as written). */
export function isBuiltinClassName(className: string): boolean {
  return builtinClassNames.has(className);
}

/** Anything with tfjs's serialization methods: layers, models, initializers... */
export interface SerializableObject {
  getClassName(): string;
  getConfig(): object;
}

/** The config an object's getConfig returns, in Keras spelling (user classes' configs as written). */
export function kerasConfigOf(object: SerializableObject): JsonObject {
  const builtin = isBuiltinClassName(object.getClassName());
  const raw = object.getConfig() as Record<string, unknown>;
  const converted = builtin
    ? toKerasConfig(raw, (className) => !isBuiltinClassName(className))
    : (toKerasConfig({ className: object.getClassName(), config: raw }, () => true) as JsonObject)["config"];
  const config = converted as JsonObject;
  addRegisteredNames(config, layerRegistrations(object));
  return config;
}

/** Python `keras.layers.serialize(layer)` / `serialize_keras_object`. */
export function serializeKerasObject(object: SerializableObject): KerasObjectConfig {
  const registeredName = registeredNameOf(object.constructor);
  const result: KerasObjectConfig = { class_name: object.getClassName(), config: kerasConfigOf(object) };
  if (registeredName !== undefined) result.registered_name = registeredName;
  return result;
}

/**
 * The registered name (or null) of every layer inside `object`, nested models included, by layer name:
 * what the layer's own class was registered as, found by identity.
 */
function layerRegistrations(object: unknown, into = new Map<string, string | null>()): Map<string, string | null> {
  const layers = (object as { layers?: unknown }).layers;
  if (!Array.isArray(layers)) return into;
  for (const layer of layers as Array<{ name?: unknown; constructor: unknown }>) {
    if (typeof layer.name === "string") into.set(layer.name, registeredNameOf(layer.constructor) ?? null);
    layerRegistrations(layer, into);
  }
  return into;
}

/**
 * Adds `registered_name` to nested objects whose class was registered (custom layers inside a model).
 * A layer of the model is matched by identity through `layers`: another class of the same name (a
 * notebook redefining `CustomLayer` after registering the first one) is not mistaken for the registered
 * one. Objects that are not layers of the model (e.g. functions) are matched by name.
 */
function addRegisteredNames(value: JsonValue, layers: Map<string, string | null>): void {
  if (Array.isArray(value)) {
    for (const item of value) addRegisteredNames(item, layers);
    return;
  }
  if (!isJsonObject(value)) return;
  const className = value["class_name"];
  if (typeof className === "string" && !isBuiltinClassName(className) && value["registered_name"] === undefined) {
    const inner = value["config"];
    const layerName = isJsonObject(inner) ? inner["name"] : undefined;
    if (typeof layerName === "string" && layers.has(layerName)) {
      const registered = layers.get(layerName);
      if (registered) value["registered_name"] = registered;
    } else {
      const match = registeredEntries().find(([, object]) => ((object as { className?: string }).className ?? object.name) === className);
      if (match) value["registered_name"] = match[0];
    }
  }
  for (const entry of Object.values(value)) addRegisteredNames(entry, layers);
}
