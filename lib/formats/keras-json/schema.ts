/**
 * Typed shape of the Keras JSON model configuration, as Python Keras 2 (tf.keras) and Keras 3
 * write it. Both dialects share `{class_name, config}`; Keras 3 adds `module`, `registered_name`,
 * `build_config`, `compile_config` and serializes dtypes as `DTypePolicy` objects.
 *
 * @example
 * const config: KerasObjectConfig = JSON.parse(text);
 * if (isKerasObject(config)) console.log(config.class_name);
 */

/** Any JSON value found inside a Keras config. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** `{class_name, config}`: the unit of Keras serialization (layers, models, initializers...). */
export interface KerasObjectConfig {
  class_name: string;
  config: JsonObject;
  /** Keras 3: public module path (`keras.layers`), or the custom class's Python module. */
  module?: string | null;
  /** Keras 3: `"package>Name"` for registered custom classes, `null` for built-ins. */
  registered_name?: string | null;
  /** Keras 3: `{input_shape}` or `{shapes_dict}` used to build the layer after construction. */
  build_config?: JsonObject;
  /** Keras 3: model compile arguments. */
  compile_config?: JsonObject;
  /** Keras 2 Functional layers: the layer's name repeated next to the config. */
  name?: string;
  /** Keras 2 Functional layers: inbound node list; Keras 3: `{args, kwargs}` call records. */
  inbound_nodes?: JsonValue[];
}

/** Keras 3 dtype policy object, e.g. `{class_name: "DTypePolicy", config: {name: "float32"}}`. */
export interface DTypePolicyConfig extends KerasObjectConfig {
  class_name: "DTypePolicy" | "FloatDTypePolicy" | "QuantizedDTypePolicy" | "QuantizedFloat8DTypePolicy" | "Policy";
  config: { name: string } & JsonObject;
}

/** Keras 3 symbolic tensor reference inside `inbound_nodes[i].args`. */
export interface KerasTensorReference {
  class_name: "__keras_tensor__";
  config: { shape: JsonValue; dtype: string; keras_history: [string, number, number] };
}

/** Keras 3 inbound node: the arguments of one call of the layer. */
export interface KerasCallNode {
  args: JsonValue[];
  kwargs: JsonObject;
}

/** Keras 2 inbound node: `[[layerName, nodeIndex, tensorIndex, kwargs], ...]`. */
export type LegacyInboundNode = [string, number, number, JsonObject?][];

/** Whether `value` is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `value` has the `{class_name: string, config: object}` shape. */
export function isKerasObject(value: unknown): value is KerasObjectConfig {
  return (
    isJsonObject(value) &&
    typeof value["class_name"] === "string" &&
    (value["config"] === undefined || isJsonObject(value["config"]) || Array.isArray(value["config"]))
  );
}

/** Keras 3 reference to a function by name: `{module, class_name: "function", config: "relu"}`. */
export interface SerializedFunction {
  class_name: "function";
  config: string;
  module?: string | null;
  registered_name?: string | null;
}

/** Whether `value` is a Keras 3 serialized function reference. */
export function isSerializedFunction(value: unknown): value is SerializedFunction {
  return isJsonObject(value) && value["class_name"] === "function" && typeof value["config"] === "string";
}

/** Whether `value` is a Keras 3 `__keras_tensor__` reference. */
export function isKerasTensorReference(value: unknown): value is KerasTensorReference {
  if (!isJsonObject(value) || value["class_name"] !== "__keras_tensor__") return false;
  const config = value["config"];
  return isJsonObject(config) && Array.isArray(config["keras_history"]);
}

/** Whether `value` is a Keras 3 dtype policy object. */
export function isDTypePolicy(value: unknown): value is DTypePolicyConfig {
  return isKerasObject(value) && /Policy$/.test(value.class_name) && isJsonObject(value.config) && typeof value.config["name"] === "string";
}

/** Top level of a Keras 2 whole-model file: the root attributes decoded from JSON. */
export interface KerasModelFileConfig {
  model_config: KerasObjectConfig;
  training_config?: JsonObject | null;
  keras_version?: string;
  backend?: string;
}
