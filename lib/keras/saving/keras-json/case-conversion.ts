/**
 * Key and value spelling between the Keras JSON schema (snake_case, `class_name`) and the camelCase
 * configs tfjs-layers classes take and return. tfjs's own converters are not exported, and they
 * rewrite user classes' configs too; ours leaves custom classes' configs as their getConfig wrote them.
 *
 * @example
 * toTfjsConfig({ class_name: "Dense", config: { units: 2, use_bias: false } });
 * // { className: "Dense", config: { units: 2, useBias: false } }
 */
import type { JsonValue } from "../../../formats/keras-json/schema.js";
import { snakeCase } from "../../../util/naming.js";
import { activationOptionKeys, isBuiltinActivationName } from "../../layers/function-activation.js";
import { keras3HardSigmoidName } from "../../layers/hard-sigmoid.js";

/** `use_bias` → `useBias` (tfjs's spelling of keys and of enum values such as `channels_last`). */
export function camelCase(text: string): string {
  if (text.length <= 1 || !text.includes("_")) return text;
  return text.replace(/_+(\w|$)/g, (_match, letter: string) => letter.toUpperCase());
}

/** Keys whose arrays start with layer names, which are never respelled. */
const endpointKeys = new Set(["inbound_nodes", "inboundNodes", "input_layers", "inputLayers", "output_layers", "outputLayers"]);
/** Keys whose string values are names, never respelled. */
const nameKeys = new Set(["name", "class_name", "className", "registered_name", "registeredName", "module"]);

const activationKeys = new Set<string>(activationOptionKeys);

/** Decides whether a `{class_name, config}` object's config is a custom class's, kept verbatim. */
export type IsVerbatim = (className: string) => boolean;

/** Keras JSON (snake_case) → the camelCase form tfjs-layers constructors read. */
export function toTfjsConfig(value: JsonValue, isVerbatim: IsVerbatim = () => false, key?: string): JsonValue {
  if (value === null || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "string") return key !== undefined && nameKeys.has(key) ? value : camelCase(value);
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      index === 0 && typeof item === "string" && key !== undefined && endpointKeys.has(key) ? item : toTfjsConfig(item, isVerbatim, key),
    );
  }
  const className = value["class_name"] ?? value["className"];
  const verbatim = typeof className === "string" && isVerbatim(className);
  const result: { [key: string]: JsonValue } = {};
  for (const [entryKey, entry] of Object.entries(value)) {
    const tfjsKey = camelCase(entryKey);
    if (verbatim && entryKey === "config") result[tfjsKey] = verbatimConfigToTfjs(entry);
    else result[tfjsKey] = nameKeys.has(entryKey) && typeof entry === "string" ? entry : toTfjsConfig(entry, isVerbatim, entryKey);
  }
  return result;
}

/** tfjs configs (camelCase) → Keras JSON (snake_case); custom classes' configs keep their own keys. */
export function toKerasConfig(value: unknown, isVerbatim: IsVerbatim = () => false, key?: string): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "string") {
    if (key !== undefined && nameKeys.has(key)) return value;
    // A user's activation function is written by its own name (`scaledTanh`, `MyPkg>fn`); tfjs's built-ins are respelled (`hardSigmoid` → `hard_sigmoid`).
    if (key !== undefined && activationKeys.has(key) && value === keras3HardSigmoidName) return "hard_sigmoid";
    if (key !== undefined && activationKeys.has(key) && !isBuiltinActivationName(snakeCase(value))) return value;
    return snakeCase(value);
  }
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      index === 0 && typeof item === "string" && key !== undefined && endpointKeys.has(key) ? item : toKerasConfig(item, isVerbatim, key),
    );
  }
  if (typeof value !== "object") return String(value);
  const record = value as Record<string, unknown>;
  const className = record["className"] ?? record["class_name"];
  const verbatim = typeof className === "string" && isVerbatim(className);
  const result: { [key: string]: JsonValue } = {};
  for (const [entryKey, entry] of Object.entries(record)) {
    if (entryKey === "customObjects") continue;
    const kerasKey = snakeCase(entryKey);
    if (verbatim && entryKey === "config") result[kerasKey] = verbatimConfigToKeras(entry);
    else result[kerasKey] = nameKeys.has(entryKey) && typeof entry === "string" ? entry : toKerasConfig(entry, isVerbatim, entryKey);
  }
  return result;
}

/** The base Layer arguments tfjs reads under camelCase names; everything else stays as written. */
const baseLayerKeys: Record<string, string> = { batch_input_shape: "batchInputShape", input_shape: "inputShape", batch_size: "batchSize" };

function verbatimConfigToTfjs(config: JsonValue): JsonValue {
  if (config === null || typeof config !== "object" || Array.isArray(config)) return config;
  const result: { [key: string]: JsonValue } = {};
  for (const [key, entry] of Object.entries(config)) result[baseLayerKeys[key] ?? key] = entry;
  return result;
}

function verbatimConfigToKeras(config: unknown): JsonValue {
  if (config === null || typeof config !== "object" || Array.isArray(config)) return (config ?? null) as JsonValue;
  const reverse = Object.fromEntries(Object.entries(baseLayerKeys).map(([snake, camel]) => [camel, snake]));
  const result: { [key: string]: JsonValue } = {};
  for (const [key, entry] of Object.entries(config as Record<string, unknown>)) {
    if (key === "customObjects" || entry === undefined) continue;
    result[reverse[key] ?? key] = entry as JsonValue;
  }
  return result;
}
