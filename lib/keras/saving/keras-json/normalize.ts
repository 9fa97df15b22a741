import {
  isDTypePolicy,
  isJsonObject,
  isKerasObject,
  isKerasTensorReference,
  isSerializedFunction,
  type JsonObject,
  type JsonValue,
  type KerasObjectConfig,
} from "../../../formats/keras-json/schema.js";

/**
 * Keras 3 keys tfjs-layers does not read; dropping them is lossless for inference
 * (build shapes are implied by the input layer, compile arguments are not a model's structure).
 */
const keras3OnlyKeys = new Set(["module", "registered_name", "build_config", "compile_config", "shared_object_id"]);

/** Class names older Keras versions wrote that tfjs-layers knows under another name. */
const renamedClasses: Record<string, string> = {
  L1: "L1L2",
  L2: "L1L2",
  BatchNormalizationV1: "BatchNormalization",
  BatchNormalizationV2: "BatchNormalization",
  UnifiedGRU: "GRU",
  UnifiedLSTM: "LSTM",
  GRUV2: "GRU",
  LSTMV2: "LSTM",
};

/** The name tfjs-layers registers for a class name found in a Keras file. */
export function canonicalClassName(className: string): string {
  return renamedClasses[className] ?? className;
}

/**
 * Turns a Keras 2 or Keras 3 model config into the Keras 2 dialect that
 * `tf.models.modelFromJSON` deserializes. The input is not modified.
 *
 * @example
 * const config = normalizeKerasConfig(JSON.parse(zipMember("config.json")));
 * const model = await tfl.models.modelFromJSON({ modelTopology: config });
 */
export function normalizeKerasConfig(config: KerasObjectConfig): KerasObjectConfig {
  const normalized = normalizeValue(config as unknown as JsonValue, undefined);
  if (!isKerasObject(normalized)) throw new Error("Keras config normalization lost the {class_name, config} shape; this is a tskeras bug.");
  return normalized;
}

function normalizeValue(value: JsonValue, key: string | undefined): JsonValue {
  if (Array.isArray(value)) return value.map((item) => normalizeValue(item, undefined));
  if (!isJsonObject(value)) return value;
  // Keras 3 writes dtypes as policy objects; tfjs wants the variable dtype string.
  if (key === "dtype" && isDTypePolicy(value)) return dtypeFromPolicyName(value.config.name);
  // Built-in functions (activations) become the plain name tfjs expects.
  if (isSerializedFunction(value)) return value.config;
  if (isKerasObject(value)) return normalizeKerasObject(value);
  const result: JsonObject = {};
  for (const [entryKey, entry] of Object.entries(value)) result[entryKey] = normalizeValue(entry, entryKey);
  return result;
}

/** `mixed_float16` keeps float32 variables, which is what weights files hold. */
function dtypeFromPolicyName(name: string): string {
  return name.startsWith("mixed_") ? "float32" : name;
}

function normalizeKerasObject(object: KerasObjectConfig): JsonValue {
  const className = canonicalClassName(object.class_name);
  const result: JsonObject = {};
  for (const [key, entry] of Object.entries(object)) {
    if (keras3OnlyKeys.has(key)) continue;
    if (key === "inbound_nodes" && Array.isArray(entry)) {
      result[key] = entry.map(normalizeInboundNode);
      continue;
    }
    result[key] = normalizeValue(entry as JsonValue, key);
  }
  result["class_name"] = className;
  const config = result["config"];
  if (isJsonObject(config)) {
    if (className === "InputLayer") normalizeInputLayerConfig(config);
    if (className === "Functional" || className === "Model") normalizeFunctionalEndpoints(config);
    if (object.class_name === "L1" || object.class_name === "L2") return regularizerAsL1L2(object.class_name, config);
  }
  return result;
}

/** Keras 3 calls the full input shape `batch_shape`; tfjs and Keras 2 call it `batch_input_shape`. */
function normalizeInputLayerConfig(config: JsonObject): void {
  if (config["batch_shape"] !== undefined && config["batch_input_shape"] === undefined) config["batch_input_shape"] = config["batch_shape"];
  delete config["batch_shape"];
  delete config["optional"];
  delete config["ragged"];
}

/** Keras 3 writes a single endpoint as `[name, 0, 0]`; tfjs expects a list of endpoints. */
function normalizeFunctionalEndpoints(config: JsonObject): void {
  for (const key of ["input_layers", "output_layers"]) {
    const endpoints = config[key];
    if (Array.isArray(endpoints) && typeof endpoints[0] === "string") config[key] = [endpoints];
  }
}

/** tfjs-layers registers only L1L2; L1 and L2 are its special cases. */
function regularizerAsL1L2(className: "L1" | "L2", config: JsonObject): JsonObject {
  const l1 = className === "L1" ? (config["l1"] ?? 0.01) : 0;
  const l2 = className === "L2" ? (config["l2"] ?? 0.01) : 0;
  return { class_name: "L1L2", config: { l1, l2 } };
}

/**
 * Converts one inbound node to the Keras 2 list form `[[layer, nodeIndex, tensorIndex, kwargs], ...]`.
 * Keras 3 records calls as `{args, kwargs}` whose tensors are `__keras_tensor__` references.
 */
function normalizeInboundNode(node: JsonValue): JsonValue {
  if (Array.isArray(node)) return node;
  if (!isJsonObject(node) || !Array.isArray(node["args"])) {
    throw new Error(
      `Unrecognized inbound node ${JSON.stringify(node).slice(0, 200)}: expected a Keras 2 list or a Keras 3 {args, kwargs} object. The file may be corrupt or from an unsupported Keras version.`,
    );
  }
  const kwargs = isJsonObject(node["kwargs"]) ? plainKwargs(node["kwargs"]) : {};
  const tensors: JsonValue[] = [];
  collectTensorReferences(node["args"], tensors);
  return tensors.map((history) => [...(history as JsonValue[]), kwargs]);
}

function collectTensorReferences(value: JsonValue, found: JsonValue[]): void {
  if (isKerasTensorReference(value)) {
    found.push(value.config.keras_history);
    return;
  }
  if (Array.isArray(value)) for (const item of value) collectTensorReferences(item, found);
}

/**
 * Keyword arguments that are plain values (tensor-valued kwargs such as masks are dropped), in the
 * camelCase tskeras's layers take (`use_causal_mask` → `useCausalMask`).
 */
function plainKwargs(kwargs: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(kwargs)) {
    if (!containsTensorReference(value)) result[key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase())] = value;
  }
  return result;
}

function containsTensorReference(value: JsonValue): boolean {
  if (isKerasTensorReference(value)) return true;
  if (Array.isArray(value)) return value.some(containsTensorReference);
  if (isJsonObject(value)) return Object.values(value).some(containsTensorReference);
  return false;
}

/**
 * Keras 3.15 writes a functional model's masks as operations of their own (Masking's
 * `Any(NotEqual(x, mask_value))`, Embedding's `NotEqual(ids, 0)`) passed to the next layer as its
 * `mask` keyword. tskeras propagates masks from the layers (computeMask) as Keras 2 did, so the
 * operations whose outputs only ever feed `mask` keywords (directly or through each other) are left out.
 */
export function withoutMaskOperations(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutMaskOperations);
  if (!isJsonObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, entry] of Object.entries(value)) result[key] = withoutMaskOperations(entry);
  return isKerasObject(result) ? functionalWithoutMaskOperations(result) : result;
}

function functionalWithoutMaskOperations(object: KerasObjectConfig): JsonValue {
  const config = object.config as JsonObject | undefined;
  const layers = config?.["layers"];
  if ((object.class_name !== "Functional" && object.class_name !== "Model") || !Array.isArray(layers)) return object as unknown as JsonValue;
  const entries = layers.filter(isJsonObject);
  const isOperation = (entry: JsonObject) => typeof entry["module"] === "string" && entry["module"].startsWith("keras.src.ops.");
  const removable = new Set(entries.filter(isOperation).map((entry) => entry["name"] as string));
  if (removable.size === 0) return object as unknown as JsonValue;
  const outputNames = new Set<string>();
  const outputLayers = config!["output_layers"];
  if (Array.isArray(outputLayers))
    for (const endpoint of typeof outputLayers[0] === "string" ? [outputLayers] : outputLayers)
      if (Array.isArray(endpoint)) outputNames.add(endpoint[0] as string);
  for (const name of outputNames) removable.delete(name);
  // Shrink to a fixed point: an operation stays when anything but a mask keyword (of a kept layer) reads it.
  let changed = true;
  while (changed) {
    changed = false;
    for (const entry of entries) {
      if (removable.has(entry["name"] as string)) continue;
      for (const node of Array.isArray(entry["inbound_nodes"]) ? entry["inbound_nodes"] : []) {
        if (!isJsonObject(node)) continue;
        const found: JsonValue[] = [];
        collectTensorReferences(node["args"] ?? [], found);
        if (isJsonObject(node["kwargs"])) for (const [key, value] of Object.entries(node["kwargs"])) if (key !== "mask") collectTensorReferences(value, found);
        for (const history of found) {
          const name = (history as JsonValue[])[0] as string;
          if (removable.delete(name)) changed = true;
        }
      }
    }
  }
  if (removable.size === 0) return object as unknown as JsonValue;
  return {
    ...object,
    config: { ...config!, layers: layers.filter((entry) => !(isJsonObject(entry) && removable.has(entry["name"] as string))) },
  } as unknown as JsonValue;
}
