/**
 * A model's config in the Keras 3 schema (`config.json` of a `.keras` archive), derived from the
 * Keras 2 config our serializer writes plus the live model (build shapes, tensor shapes):
 * every object is `{module, class_name, config, registered_name}`, layers carry `build_config`,
 * dtypes are `DTypePolicy` objects, a Sequential starts with its `InputLayer` (`batch_shape`), and
 * Functional layers record their calls as `{args, kwargs}` with `__keras_tensor__` references.
 * Layer config keys follow Keras 3.15's `get_config` (the pinned oracle) for the layers tskeras knows.
 *
 * @example
 * const config = keras3ModelConfig(model); // { module: "keras", class_name: "Sequential", ... }
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { snakeCase } from "../../../util/naming.js";
import { kerasModelJson } from "../serialization.js";
import { isBuiltinClassName } from "./serialize.js";
import { activationConfigKeys, isBuiltinActivationName } from "../../layers/function-activation.js";
import { isJsonObject, isKerasObject, type JsonObject, type JsonValue } from "../../../formats/keras-json/schema.js";
import { pythonClassName, writtenLayerClass, type Keras3CallConvention } from "../../layers/written-layers.js";
import { keras3Defaults, keras3LayerKeys, plainDtypeLayers } from "./keras3-layer-keys.js";

type Layer = tfl.LayersModel["layers"][number];
type Shape = (number | null)[];

/** Keras 3 layers built at construction (`_build_at_init` or `built = True` in `__init__`): no `build_config`. */
const builtAtInit = new Set([
  "InputLayer",
  "Activation",
  "ELU",
  "LeakyReLU",
  "ReLU",
  "Softmax",
  "Identity",
  "Masking",
  "UnitNormalization",
  "MaxPooling1D",
  "MaxPooling2D",
  "MaxPooling3D",
  "AveragePooling1D",
  "AveragePooling2D",
  "AveragePooling3D",
  "GlobalMaxPooling1D",
  "GlobalMaxPooling2D",
  "GlobalMaxPooling3D",
  "GlobalAveragePooling1D",
  "GlobalAveragePooling2D",
  "GlobalAveragePooling3D",
  "ActivityRegularization",
  "AlphaDropout",
  "Dropout",
  "GaussianDropout",
  "GaussianNoise",
  "Reshape",
]);

/** Keras 3's named VarianceScaling subclasses, which it writes with `{seed}` only (tfjs writes the parameters). */
const namedVarianceScaling: Array<{ className: string; scale: number; mode: string; distributions: string[] }> = [
  { className: "GlorotUniform", scale: 1, mode: "fan_avg", distributions: ["uniform"] },
  { className: "GlorotNormal", scale: 1, mode: "fan_avg", distributions: ["normal", "truncated_normal"] },
  { className: "HeUniform", scale: 2, mode: "fan_in", distributions: ["uniform"] },
  { className: "HeNormal", scale: 2, mode: "fan_in", distributions: ["normal", "truncated_normal"] },
  { className: "LecunUniform", scale: 1, mode: "fan_in", distributions: ["uniform"] },
  { className: "LecunNormal", scale: 1, mode: "fan_in", distributions: ["normal", "truncated_normal"] },
];

/** `{module: "keras", class_name: "DTypePolicy", config: {name}}`: Keras 3's spelling of a layer dtype. */
export function dtypePolicy(name: string): JsonObject {
  return { module: "keras", class_name: "DTypePolicy", config: { name }, registered_name: null };
}

/**
 * The model's whole Keras 3 config object (`serialize_keras_object(model)` without `compile_config`).
 *
 * @example
 * JSON.stringify({ ...keras3ModelConfig(model), compile_config }) // config.json
 */
export function keras3ModelConfig(model: tfl.LayersModel): JsonObject {
  const keras2 = kerasModelJson(model);
  return modelEntry(model, {
    class_name: keras2["class_name"] as string,
    config: keras2["config"] as JsonObject,
    ...(keras2["registered_name"] === undefined ? {} : { registered_name: keras2["registered_name"] }),
  });
}

function modelEntry(model: tfl.LayersModel, keras2: JsonObject): JsonObject {
  const className = keras2["class_name"] as string;
  const config = keras2["config"] as JsonObject;
  if (className === "Sequential") return sequentialEntry(model, config);
  if (className === "Functional" || className === "Model") return functionalEntry(model, config);
  // A registered subclass of Model: its own config, kept as written.
  return customEntry(keras2, model);
}

function sequentialEntry(model: tfl.LayersModel, config: JsonObject): JsonObject {
  // Keras 2's config lists the input as an InputLayer first; Keras 3 writes its own InputLayer entry below.
  const layerConfigs = (((config["layers"] ?? []) as JsonValue[]).filter(isKerasObject) as JsonObject[]).filter(
    (entry, index) => !(index === 0 && entry["class_name"] === "InputLayer"),
  );
  const layers: JsonValue[] = [];
  const input = model.inputs[0];
  const built = input !== undefined;
  if (built) {
    // tfjs names the implicit input `<first layer>_input`; Keras 3 creates it as `input_layer`.
    const taken = new Set(model.layers.map((layer) => layer.name));
    let name = "input_layer";
    for (let suffix = 1; taken.has(name); suffix++) name = `input_layer_${suffix}`;
    layers.push(inputLayerEntry(input.shape, input.dtype, name));
  }
  const liveLayers = model.layers.filter((layer) => layer.getClassName() !== "InputLayer");
  layerConfigs.forEach((entry, index) => layers.push(layerEntry(entry, liveLayers[index] ?? findLayer(model, entry))));
  const result: JsonObject = {
    module: "keras",
    class_name: "Sequential",
    config: {
      name: model.name,
      trainable: model.trainable,
      dtype: dtypePolicy("float32"),
      layers,
      ...(built ? { build_input_shape: shapeJson(input.shape) } : {}),
    },
    registered_name: null,
  };
  if (built) result["build_config"] = { input_shape: shapeJson(input.shape) };
  return result;
}

function functionalEntry(model: tfl.LayersModel, config: JsonObject): JsonObject {
  const layers = ((config["layers"] ?? []) as JsonObject[]).map((entry) => {
    const live = findLayer(model, entry);
    const converted = layerEntry(entry, live);
    converted["name"] = (entry["name"] ?? (entry["config"] as JsonObject)["name"]) as JsonValue;
    converted["inbound_nodes"] = ((entry["inbound_nodes"] ?? []) as JsonValue[]).map((node) => keras3Node(model, node, live));
    return converted;
  });
  return {
    module: "keras.src.models.functional",
    class_name: "Functional",
    config: {
      name: model.name,
      trainable: model.trainable,
      layers,
      input_layers: endpoints(config["input_layers"]),
      output_layers: endpoints(config["output_layers"]),
    },
    // Keras 3 registers nothing for Functional; get_registered_name falls back to the class name.
    registered_name: "Functional",
  };
}

/** `[[name, node, tensor], ...]` (Keras 3.10 writes a list even for one input). */
function endpoints(value: JsonValue | undefined): JsonValue {
  if (!Array.isArray(value)) return [];
  if (typeof value[0] === "string") return [value.slice(0, 3)];
  return value.map((item) => (Array.isArray(item) ? item.slice(0, 3) : item));
}

function inputLayerEntry(shape: Shape, dtype: string, name: string): JsonObject {
  return {
    module: "keras.layers",
    class_name: "InputLayer",
    config: { batch_shape: shapeJson(shape), dtype, sparse: false, ragged: false, name, optional: false },
    registered_name: null,
  };
}

function findLayer(model: tfl.LayersModel, entry: JsonObject): Layer | undefined {
  const name = (entry["name"] ?? (isJsonObject(entry["config"]) ? entry["config"]["name"] : undefined)) as string | undefined;
  return model.layers.find((layer) => layer.name === name);
}

/** One layer: built-ins get Keras 3 keys and nested objects; user classes keep their config. */
function layerEntry(entry: JsonObject, live: Layer | undefined): JsonObject {
  const className = entry["class_name"] as string;
  if (live instanceof tfl.LayersModel && (className === "Sequential" || className === "Functional" || className === "Model")) return modelEntry(live, entry);
  if (className === "InputLayer") {
    const config = entry["config"] as JsonObject;
    const shape = (config["batch_shape"] ?? config["batch_input_shape"] ?? null) as JsonValue;
    return {
      module: "keras.layers",
      class_name: "InputLayer",
      config: {
        batch_shape: shape,
        dtype: (config["dtype"] ?? "float32") as JsonValue,
        sparse: (config["sparse"] ?? false) as JsonValue,
        ragged: false,
        name: config["name"] as JsonValue,
        optional: (config["optional"] ?? false) as JsonValue,
      },
      registered_name: null,
    };
  }
  if (!isBuiltinClassName(className) && !isWrittenKerasLayer(className, live)) return customEntry(entry, live);
  const result: JsonObject = {
    module: "keras.layers",
    class_name: className,
    config: keras3LayerConfig(className, entry["config"] as JsonObject),
    registered_name: null,
  };
  const build = buildConfig(className, live);
  if (build) result["build_config"] = build;
  return result;
}

/**
 * A layer nested in another layer's config (a wrapper's `layer`) as Keras 3 writes it:
 * `{module, class_name, config, registered_name}` with Keras 3's keys, so Keras 3's `Wrapper.from_config`
 * (which needs `module` even in a legacy `.h5`) finds the class. The dtype stays a plain name, which
 * every Keras (and tfjs) reads.
 */
export function keras3NestedLayer(entry: JsonObject): JsonObject {
  const result = layerEntry(entry, undefined);
  const config = result["config"];
  if (isJsonObject(config) && isJsonObject(config["dtype"]) && isJsonObject(config["dtype"]["config"]))
    config["dtype"] = config["dtype"]["config"]["name"] ?? "float32";
  return result;
}

/** A user's class: Keras 3 writes its Python module (`null` for `__main__`) and `package>Name` or the class name. */
function customEntry(entry: JsonObject, live: Layer | tfl.LayersModel | undefined): JsonObject {
  const className = entry["class_name"] as string;
  const result: JsonObject = {
    module: null,
    class_name: className,
    config: (entry["config"] ?? {}) as JsonValue,
    registered_name: (entry["registered_name"] ?? className) as JsonValue,
  };
  const build = live instanceof tfl.LayersModel ? (live.inputs[0] ? { input_shape: shapeJson(live.inputs[0].shape) } : null) : buildConfig(className, live);
  if (build) result["build_config"] = build;
  return result;
}

/**
 * Python `layer.get_config()` for a built-in layer, from tfjs's config in snake_case: for a class in
 * keras3-layer-keys.ts exactly Keras 3.15's keys (keys tfjs has and Keras does not are dropped, keys
 * Keras added get Keras's default), activation aliases under their functions' names, and a wrapper's
 * nested layers as Keras 3 objects (Keras 3's `Wrapper.from_config` needs their `module`, in a `.h5`
 * too). Values keep the Keras 2 spelling (a plain dtype name, `{class_name, config}` initializers),
 * which every Keras reads; the `.keras` writer respells them. `getConfig()` of the tfjs-backed classes
 * returns this, so every format writes the same keys.
 *
 * @example
 * kerasLayerConfig("SpatialDropout1D", { name: "s", trainable: true, dtype: "float32", rate: 0.5, noise_shape: null, seed: null });
 * // { rate: 0.5, seed: null, name: "s", dtype: "float32" }
 */
export function kerasLayerConfig(className: string, config: JsonObject): JsonObject {
  const keys = keras3LayerKeys[className];
  let result: JsonObject;
  if (keys === undefined) {
    result = { ...config };
  } else {
    result = { name: config["name"] ?? null, trainable: config["trainable"] ?? true, dtype: config["dtype"] ?? "float32" };
    // The first layer of a tfjs-style Sequential carries the model's input shape.
    if (config["batch_input_shape"] !== undefined) result["batch_input_shape"] = config["batch_input_shape"];
    if (!keys.includes("activity_regularizer") && config["activity_regularizer"] != null) result["activity_regularizer"] = config["activity_regularizer"];
    // tfjs writes options left unset as null; Keras writes its default there.
    for (const key of keys) result[key] = config[key] ?? keras3Defaults[key] ?? null;
    // Transposed convolutions: tfjs has no dilation; Keras writes ones, one per kernel axis.
    if (keys.includes("dilation_rate") && result["dilation_rate"] === null && Array.isArray(result["kernel_size"]))
      result["dilation_rate"] = result["kernel_size"].map(() => 1);
  }
  for (const key of activationKeys) {
    const value = result[key];
    // Keras writes an alias under its function's name (`keras.activations.serialize`).
    if (value === "swish" || value === "hard_swish") result[key] = value === "swish" ? "silu" : "hard_silu";
  }
  for (const key of wrappedLayerKeys) {
    const value = result[key];
    if (isKerasObject(value) && isJsonObject(value.config)) result[key] = keras3NestedLayer(value as unknown as JsonObject);
  }
  if (!plainDtypeLayers.has(className)) return result;
  // These constructors take no trainable flag (nor an input shape): Keras writes the name and a plain dtype.
  const { trainable: _trainable, batch_input_shape: _shape, name, dtype, ...rest } = result;
  return { ...rest, name: name ?? null, dtype: typeof dtype === "string" ? dtype : "float32" };
}

/** Config keys holding a wrapped layer (Wrapper's `layer`, Bidirectional's `backward_layer`). */
const wrappedLayerKeys = ["layer", "backward_layer"];

/** The Keras 3 config of a built-in layer: `kerasLayerConfig`'s keys with a `DTypePolicy`, Keras 3 initializer objects and function objects. */
function keras3LayerConfig(className: string, keras2: JsonObject): JsonObject {
  const selected = kerasLayerConfig(className, keras2);
  const dtype = typeof selected["dtype"] === "string" ? selected["dtype"] : "float32";
  const rest: JsonObject = {};
  for (const [key, value] of Object.entries(selected)) {
    // Keras 3 keeps the input shape on the InputLayer only.
    if (key === "name" || key === "trainable" || key === "dtype" || key === "batch_input_shape" || key === "input_dtype") continue;
    rest[key] = activationKeys.has(key) ? keras3Activation(value) : nestedObject(key, value);
  }
  if (plainDtypeLayers.has(className)) return { ...rest, name: selected["name"]!, dtype };
  return { name: selected["name"]!, trainable: selected["trainable"] ?? true, dtype: dtypePolicy(dtype), ...rest };
}

const activationKeys = new Set<string>(activationConfigKeys);

/**
 * Keras 3 writes a built-in activation as its name and a user's function as a function object
 * (`keras.activations.serialize`): module "builtins", the function's (registered) name as config.
 */
function keras3Activation(value: JsonValue): JsonValue {
  if (typeof value !== "string" || isBuiltinActivationName(value)) return value;
  return { module: "builtins", class_name: "function", config: value, registered_name: "function" };
}

/** Initializers, regularizers and constraints as Keras 3 objects with their public module. */
function nestedObject(key: string, value: JsonValue): JsonValue {
  // A list of layers (StackedRNNCells' `cells`): each one a Keras 3 layer object.
  if (Array.isArray(value)) return value.map((item) => (isKerasObject(item) ? nestedObject(key, item) : item));
  if (!isKerasObject(value)) return value;
  const module = key.endsWith("_initializer")
    ? "keras.initializers"
    : key.endsWith("_regularizer")
      ? "keras.regularizers"
      : key.endsWith("_constraint")
        ? "keras.constraints"
        : "keras.layers";
  if (module === "keras.layers") return layerEntry(value as unknown as JsonObject, undefined);
  let className = value.class_name;
  let config: JsonObject = value.config ?? {};
  if (className === "VarianceScaling") {
    const named = namedVarianceScaling.find(
      (candidate) =>
        candidate.scale === config["scale"] && candidate.mode === config["mode"] && candidate.distributions.includes(String(config["distribution"])),
    );
    if (named) {
      className = named.className;
      config = { seed: config["seed"] ?? null };
    } else if (config["distribution"] === "normal") {
      // Keras 3 spells tfjs's (truncated) "normal" distribution explicitly.
      config = { ...config, distribution: "truncated_normal" };
    }
  }
  // Keras 3.15's variance-scaling initializers also write the axes their fans are counted over (none: Keras's default).
  if (className === "VarianceScaling" || namedVarianceScaling.some((named) => named.className === className)) {
    config = { ...config, input_axes: config["input_axes"] ?? null, output_axes: config["output_axes"] ?? null };
  }
  if (!isBuiltinClassName(className) && !namedVarianceScaling.some((named) => named.className === className)) {
    return { module: null, class_name: className, config, registered_name: value.registered_name ?? className };
  }
  return { module, class_name: className, config, registered_name: null };
}

/** `{input_shape}` the layer was first called with (one entry per input for merge layers); none for layers built at construction. */
function buildConfig(className: string, live: Layer | undefined): JsonObject | null {
  if (builtAtInit.has(className) || live === undefined) return null;
  const node = live.inboundNodes[0];
  if (node === undefined) return null;
  const shapes = node.inputTensors.map((tensor) => shapeJson(tensor.shape));
  const convention = live as Keras3CallConvention;
  if (convention.keras3BuildConfig) return convention.keras3BuildConfig(shapes as Array<Array<number | null>>) as JsonObject;
  return { input_shape: shapes.length === 1 ? shapes[0]! : shapes };
}

function shapeJson(shape: Shape): JsonValue {
  return shape.map((dimension) => (dimension === undefined || dimension === null || dimension < 0 ? null : dimension));
}

/**
 * Keras 2 node `[[layer, node, tensor, kwargs], ...]` → Keras 3 `{args, kwargs}`: one input is the
 * single argument; several inputs (merge layers) are one list argument.
 */
function keras3Node(model: tfl.LayersModel, node: JsonValue, called?: Layer): JsonValue {
  if (!Array.isArray(node)) return node;
  const tensors = node.filter(Array.isArray).map((reference) => {
    const [layerName, nodeIndex, tensorIndex] = reference as [string, number, number];
    const tensor = outputTensor(model, layerName, nodeIndex, tensorIndex);
    return {
      class_name: "__keras_tensor__",
      config: { shape: tensor ? shapeJson(tensor.shape) : null, dtype: tensor?.dtype ?? "float32", keras_history: [layerName, nodeIndex, tensorIndex] },
    } as JsonObject;
  });
  const first = node[0];
  // Call-site keywords in Keras's spelling (useCausalMask → use_causal_mask).
  const kwargs = Object.fromEntries(
    Object.entries(Array.isArray(first) && isJsonObject(first[3]) ? first[3] : {}).map(([key, value]) => [snakeCase(key), value]),
  );
  // Layers such as MultiHeadAttention(query, value) take their inputs as separate arguments.
  const convention = called as Keras3CallConvention | undefined;
  if (convention?.keras3CallArguments) return { args: convention.keras3CallArguments(tensors), kwargs };
  return { args: tensors.length === 1 ? tensors : [tensors], kwargs };
}

/**
 * A Keras 2 model config for legacy `.h5`, with what Keras 3's `.h5` reader cannot take from Keras 2
 * written as Keras 3 writes it in its own `.h5`: the nodes of layers called on separate arguments
 * (MultiHeadAttention(query, value); a Keras 2 node list is one list argument), the Python class
 * name where Keras writes it (GroupedQueryAttention), no `trainable` where the constructor takes none
 * (SpatialDropout2D, Discretization), and a `module` on nested cells (RNN's `cell`, StackedRNNCells'
 * `cells`), which Keras 3 deserializes by module.
 */
export function withKeras3LegacyH5Entries(model: tfl.LayersModel, json: JsonObject): JsonObject {
  const config = json["config"];
  if (!isJsonObject(config) || !Array.isArray(config["layers"])) return json;
  const layers = (config["layers"] as JsonObject[]).map((entry) => {
    const live = findLayer(model, entry);
    const converted: JsonObject = { ...entry, config: withModuleOnCells(entry["config"] ?? null) };
    if (live !== undefined && entry["class_name"] === live.getClassName()) converted["class_name"] = pythonClassName(live);
    if (plainDtypeLayers.has(entry["class_name"] as string) && isJsonObject(converted["config"])) {
      const { trainable: _trainable, ...rest } = converted["config"];
      converted["config"] = rest;
    }
    // tfjs's RNN config repeats its cell's keys (units, activation…), which Keras 3's RNN rejects.
    if (entry["class_name"] === "RNN" && isJsonObject(converted["config"]))
      converted["config"] = Object.fromEntries(Object.entries(converted["config"]).filter(([key]) => rnnKeys.has(key)));
    if ((live as Keras3CallConvention | undefined)?.keras3CallArguments && Array.isArray(entry["inbound_nodes"]))
      converted["inbound_nodes"] = (entry["inbound_nodes"] as JsonValue[]).map((node) => keras3Node(model, node, live));
    return converted;
  });
  return { ...json, config: { ...config, layers } };
}

/** The keys of Keras's RNN config (the base layer's and its own). */
const rnnKeys = new Set([
  "name",
  "trainable",
  "dtype",
  "batch_input_shape",
  "cell",
  "return_sequences",
  "return_state",
  "go_backwards",
  "stateful",
  "unroll",
  "zero_output_for_mask",
]);

/** A layer config whose `cell`/`cells` layers carry `module: "keras.layers"`, at any depth. */
function withModuleOnCells(config: JsonValue): JsonValue {
  if (!isJsonObject(config)) return config;
  const cellObject = (value: JsonValue): JsonValue =>
    isKerasObject(value)
      ? { module: "keras.layers", ...(value as JsonObject), config: withModuleOnCells((value as JsonObject)["config"] ?? null), registered_name: null }
      : value;
  const result: JsonObject = { ...config };
  if ("cell" in result) result["cell"] = cellObject(result["cell"]!);
  if (Array.isArray(result["cells"])) result["cells"] = result["cells"].map(cellObject);
  return result;
}

/** The symbolic tensor a `[layer, node, tensor]` reference names; node indices count only the model's own nodes, as in the config. */
function outputTensor(model: tfl.LayersModel, layerName: string, nodeIndex: number, tensorIndex: number): { shape: Shape; dtype: string } | undefined {
  const layer = model.layers.find((candidate) => candidate.name === layerName);
  if (!layer) return undefined;
  const own = (model as unknown as { containerNodes?: Set<string> }).containerNodes;
  const kept = layer.inboundNodes.filter((_node, index) => own === undefined || own.has(`${layer.name}_ib-${index}`));
  // A nested model's index 0 stands for its own internal node (Keras and tfjs both count it).
  const node = layer instanceof tfl.LayersModel ? (kept[nodeIndex - 1] ?? kept[0]) : kept[nodeIndex];
  const tensor = node?.outputTensors[tensorIndex];
  return tensor ? { shape: tensor.shape, dtype: tensor.dtype } : undefined;
}

/** A Keras layer tskeras writes itself (MultiHeadAttention...), saved like Python's built-ins. */
function isWrittenKerasLayer(className: string, live: Layer | undefined): boolean {
  const cls = writtenLayerClass(className);
  return cls !== undefined && (live === undefined || live instanceof cls);
}
