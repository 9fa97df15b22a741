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
import { writtenLayerClass, type Keras3CallConvention } from "../../layers/written-layers.js";

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

const rnnBase = ["return_sequences", "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask"];
const convKeys = [
  "filters",
  "kernel_size",
  "strides",
  "padding",
  "data_format",
  "dilation_rate",
  "groups",
  "activation",
  "use_bias",
  "kernel_initializer",
  "bias_initializer",
  "kernel_regularizer",
  "bias_regularizer",
  "activity_regularizer",
  "kernel_constraint",
  "bias_constraint",
];
const rnnCellKeys = [
  "units",
  "activation",
  "use_bias",
  "kernel_initializer",
  "recurrent_initializer",
  "bias_initializer",
  "kernel_regularizer",
  "recurrent_regularizer",
  "bias_regularizer",
  "kernel_constraint",
  "recurrent_constraint",
  "bias_constraint",
  "dropout",
  "recurrent_dropout",
];
const poolingKeys = ["pool_size", "padding", "strides", "data_format"];
const globalPoolingKeys = ["data_format", "keepdims"];

/**
 * The keys Keras 3.15 layers write after the base `name, trainable, dtype` (and `activity_regularizer`
 * when set). Keys tfjs has and Keras 3 does not (`input_length`, `implementation`...) are dropped;
 * keys Keras 3 added get their Keras default.
 */
const keras3LayerKeys: Record<string, string[]> = {
  Dense: [
    "units",
    "activation",
    "use_bias",
    "kernel_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "bias_constraint",
    "quantization_config",
  ],
  Conv1D: convKeys,
  Conv2D: convKeys,
  Conv3D: convKeys,
  MaxPooling1D: poolingKeys,
  MaxPooling2D: poolingKeys,
  MaxPooling3D: poolingKeys,
  AveragePooling1D: poolingKeys,
  AveragePooling2D: poolingKeys,
  AveragePooling3D: poolingKeys,
  GlobalMaxPooling1D: globalPoolingKeys,
  GlobalMaxPooling2D: globalPoolingKeys,
  GlobalAveragePooling1D: globalPoolingKeys,
  GlobalAveragePooling2D: globalPoolingKeys,
  Flatten: ["data_format"],
  Dropout: ["rate", "seed", "noise_shape"],
  Activation: ["activation"],
  Reshape: ["target_shape"],
  Embedding: [
    "input_dim",
    "output_dim",
    "embeddings_initializer",
    "embeddings_regularizer",
    "activity_regularizer",
    "embeddings_constraint",
    "mask_zero",
    "quantization_config",
  ],
  BatchNormalization: [
    "axis",
    "momentum",
    "epsilon",
    "center",
    "scale",
    "beta_initializer",
    "gamma_initializer",
    "moving_mean_initializer",
    "moving_variance_initializer",
    "beta_regularizer",
    "gamma_regularizer",
    "beta_constraint",
    "gamma_constraint",
    "synchronized",
    "renorm",
    "renorm_clipping",
    "renorm_momentum",
  ],
  LSTM: [
    ...rnnBase,
    "units",
    "activation",
    "recurrent_activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "unit_forget_bias",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "seed",
  ],
  GRU: [
    ...rnnBase,
    "units",
    "activation",
    "recurrent_activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "reset_after",
    "seed",
  ],
  SimpleRNN: [
    ...rnnBase,
    "units",
    "activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
  ],
  Conv2DTranspose: [
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "output_padding",
    "data_format",
    "dilation_rate",
    "activation",
    "use_bias",
    "kernel_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "bias_constraint",
  ],
  Conv3DTranspose: [
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "output_padding",
    "data_format",
    "dilation_rate",
    "activation",
    "use_bias",
    "kernel_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "bias_constraint",
  ],
  SeparableConv2D: [
    "depth_multiplier",
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    "activation",
    "use_bias",
    "depthwise_initializer",
    "pointwise_initializer",
    "bias_initializer",
    "depthwise_regularizer",
    "pointwise_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "depthwise_constraint",
    "pointwise_constraint",
    "bias_constraint",
  ],
  DepthwiseConv2D: [
    "depth_multiplier",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    "activation",
    "use_bias",
    "depthwise_initializer",
    "bias_initializer",
    "depthwise_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "depthwise_constraint",
    "bias_constraint",
  ],
  ConvLSTM2D: [
    ...rnnBase,
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    "activation",
    "recurrent_activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "unit_forget_bias",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "seed",
  ],
  SpatialDropout1D: ["rate", "seed"],
  // RNN(cell) and its cells; a cell is written inside its RNN's config.
  RNN: [...rnnBase, "cell"],
  SimpleRNNCell: [...rnnCellKeys, "seed"],
  LSTMCell: ["units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias", ...rnnCellKeys.slice(3), "seed"],
  GRUCell: ["units", "activation", "recurrent_activation", ...rnnCellKeys.slice(2), "reset_after", "seed"],
  StackedRNNCells: ["cells"],
  GaussianNoise: ["stddev", "seed"],
  GaussianDropout: ["rate", "seed"],
  AlphaDropout: ["rate", "seed", "noise_shape"],
  ReLU: ["max_value", "negative_slope", "threshold"],
  Softmax: ["axis"],
  LayerNormalization: [
    "axis",
    "epsilon",
    "center",
    "scale",
    "rms_scaling",
    "beta_initializer",
    "gamma_initializer",
    "beta_regularizer",
    "gamma_regularizer",
    "beta_constraint",
    "gamma_constraint",
  ],
  Concatenate: ["axis"],
  Add: [],
  Subtract: [],
  Multiply: [],
  Average: [],
  Maximum: [],
  Minimum: [],
};

/** Keras 3 defaults of keys tfjs configs lack. */
const keras3Defaults: JsonObject = {
  groups: 1,
  data_format: "channels_last",
  seed: null,
  noise_shape: null,
  synchronized: false,
  zero_output_for_mask: false,
  keepdims: false,
  activity_regularizer: null,
  mask_zero: false,
  // tfjs's GRU applies the reset gate before the recurrent product: Keras's reset_after=False.
  reset_after: false,
  unit_forget_bias: true,
  dropout: 0,
  recurrent_dropout: 0,
  quantization_config: null,
  output_padding: null,
  depth_multiplier: 1,
  negative_slope: 0,
  threshold: 0,
  rms_scaling: false,
  renorm: false,
  renorm_clipping: null,
  renorm_momentum: 0.99,
};

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

function keras3LayerConfig(className: string, keras2: JsonObject): JsonObject {
  const base: JsonObject = {
    name: keras2["name"] as JsonValue,
    trainable: (keras2["trainable"] ?? true) as JsonValue,
    dtype: dtypePolicy(typeof keras2["dtype"] === "string" ? keras2["dtype"] : "float32"),
  };
  const keys = keras3LayerKeys[className];
  const rest: JsonObject = {};
  if (keys === undefined) {
    // A layer without a Keras 3 key table: its Keras 2 keys, minus the ones Keras 3 moved elsewhere.
    for (const [key, value] of Object.entries(keras2)) if (!(key in base) && key !== "batch_input_shape" && key !== "input_dtype") rest[key] = value;
  } else {
    if (!keys.includes("activity_regularizer") && keras2["activity_regularizer"] != null) base["activity_regularizer"] = keras2["activity_regularizer"];
    // tfjs writes options left unset as null; Keras writes its default there.
    for (const key of keys) rest[key] = keras2[key] ?? keras3Defaults[key] ?? null;
  }
  for (const [key, value] of Object.entries(rest)) rest[key] = activationKeys.has(key) ? keras3Activation(value) : nestedObject(key, value);
  // Transposed convolutions: tfjs has no dilation; Keras writes ones, one per kernel axis.
  if (keys?.includes("dilation_rate") && rest["dilation_rate"] === null && Array.isArray(rest["kernel_size"]))
    rest["dilation_rate"] = rest["kernel_size"].map(() => 1);
  // Keras 3.15's SpatialDropout and Discretization layers write a plain dtype and no trainable flag (their constructors take none).
  if (plainDtypeLayers.has(className)) return { ...rest, name: base["name"]!, dtype: typeof keras2["dtype"] === "string" ? keras2["dtype"] : "float32" };
  return { ...base, ...rest };
}

const activationKeys = new Set<string>(activationConfigKeys);
const plainDtypeLayers = new Set(["SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "Discretization"]);

/**
 * Keras 3 writes a built-in activation as its name and a user's function as a function object
 * (`keras.activations.serialize`): module "builtins", the function's (registered) name as config.
 */
function keras3Activation(value: JsonValue): JsonValue {
  // Keras writes an alias under its function's name.
  if (value === "swish" || value === "hard_swish") return value === "swish" ? "silu" : "hard_silu";
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
