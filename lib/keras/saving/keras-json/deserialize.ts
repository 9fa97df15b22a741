/**
 * Keras JSON → live objects, for every entry point (loadModel, Model/Sequential.fromConfig,
 * modelFromJSON, layers.deserialize, cloneModel): safe-mode check, custom-object resolution,
 * the unknown-class check, dialect normalization, respelling for tfjs, then tfjs-layers's own
 * fromConfig machinery with Keras classes (and the user's classes) installed in its registry for
 * the duration of the (synchronous) call.
 *
 * @example
 * const model = deserializeKerasObject(JSON.parse(json), { customObjects: { MyLayer } });
 */
import { constructFromConfig } from "../../construct-from-config.js";
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { registerChainedOps } from "../../../backend/chained-ops.js";
import { registeredKerasClass, registeredKerasClasses } from "./keras-classes.js";
import { assertSafeConfig } from "../safe-mode.js";
import { writtenLayerClass } from "../../layers/written-layers.js";
import { toTfjsConfig } from "./case-conversion.js";
import { UnknownKerasClassError, type UnknownClass } from "./class-registry.js";
import { resolveCustomObject, type CustomObject, type CustomObjectMap } from "./custom-objects.js";
import { canonicalClassName, normalizeKerasConfig, withoutMaskOperations } from "./normalize.js";
import {
  isJsonObject,
  isKerasObject,
  isSerializedFunction,
  type JsonObject,
  type JsonValue,
  type KerasObjectConfig,
} from "../../../formats/keras-json/schema.js";
import { activationConfigKeys, FunctionActivation, isActivationFunction, isBuiltinActivationName } from "../../layers/function-activation.js";

export interface DeserializeOptions {
  /** Classes and functions for names the config uses (Python `custom_objects`). */
  customObjects?: CustomObjectMap;
  /** Refuse configs that carry code (Lambda bytecode...). Default true. */
  safeMode?: boolean;
  /** Where the config came from, named in errors. */
  source?: string;
  /**
   * Every weight will be overwritten right away (a model file is being loaded): create weights as
   * zeros instead of running their initializers, as tfjs's own loader does (random initialization of
   * a large model costs seconds).
   */
  fastWeightInit?: boolean;
}

type FromConfig = (cls: unknown, config: unknown, customObjects?: unknown, fastWeightInit?: boolean) => unknown;
type RegistryEntry = [unknown, FromConfig | null];

const registry = (): Record<string, RegistryEntry> => tfc.serialization.SerializationMap.getMap().classNameMap as unknown as Record<string, RegistryEntry>;

/** Keras 3 special values that are not classes. */
const valueClassNames = new Set(["__keras_tensor__", "__tensor__", "__numpy__", "__bytes__", "__slice__", "__ellipsis__", "__typespec__", "function"]);

/** The function name an activation entry saves: Keras 2 writes the name, Keras 3 a `{class_name: "function", config: name}` object. */
function savedFunctionName(value: JsonValue | undefined): string | null {
  if (typeof value === "string") return value;
  if (isSerializedFunction(value)) return value.config;
  return null;
}

/** A config ready for tfjs, with the user classes its aliases stand for. */
export interface PreparedConfig {
  config: { className: string; config: JsonObject };
  aliases: Map<string, CustomObject>;
}

/**
 * Checks, resolves and respells a Keras config for tfjs. Custom objects get a unique alias as
 * class name, so a user class never shadows a built-in of the same name elsewhere in the config.
 */
export function prepareKerasConfig(config: KerasObjectConfig, options: DeserializeOptions = {}): PreparedConfig {
  if (!isKerasObject(config)) {
    throw new Error(
      `Expected a Keras config {class_name, config}, got ${JSON.stringify(config)?.slice(0, 200)}. Pass what getConfig()/toJSON() or a Keras file produced.`,
    );
  }
  assertSafeConfig(config, options);
  const aliases = new Map<string, CustomObject>();
  const unknown = new Map<string, UnknownClass>();
  const known = registry();
  const visit = (value: JsonValue): JsonValue => {
    if (Array.isArray(value)) return value.map(visit);
    if (!isJsonObject(value)) return value;
    const result: JsonObject = {};
    // compile_config (losses, metrics, optimizer) is not architecture; compiling reads it separately.
    for (const [key, entry] of Object.entries(value)) result[key] = key === "compile_config" ? entry : visit(entry);
    for (const key of activationConfigKeys) {
      const name = savedFunctionName(value[key]);
      if (name === null || isBuiltinActivationName(name)) continue;
      // A registered function is saved as `package>name`; its bare name also finds it in customObjects.
      const custom = resolveCustomObject(name, name.slice(name.indexOf(">") + 1), options.customObjects);
      if (isActivationFunction(custom)) {
        // tfjs resolves activations by class name: a class standing for this function under a name tfjs keeps as is.
        const alias = `CustomActivation${aliases.size}`;
        const fn = custom;
        aliases.set(
          alias,
          class extends FunctionActivation {
            constructor() {
              super(fn, name!);
            }
          },
        );
        result[key] = alias;
      } else if (custom === undefined && !unknown.has(name)) {
        unknown.set(name, { className: name, registeredName: null, module: null, kind: "function" });
      }
    }
    if (isKerasObject(value) && !valueClassNames.has(value.class_name) && !/Policy$/.test(value.class_name)) {
      const registeredName = typeof value.registered_name === "string" ? value.registered_name : null;
      // The user's classes first, then Keras classes tskeras writes itself (MultiHeadAttention...), built from their Keras config as written.
      const custom =
        resolveCustomObject(registeredName, value.class_name, options.customObjects) ??
        (registeredName === null ? writtenLayerClass(value.class_name) : undefined);
      if (custom !== undefined) {
        const alias = `${registeredName ?? value.class_name}#${aliases.size}`;
        aliases.set(alias, custom);
        result["class_name"] = alias;
        if (value.config !== undefined) result["config"] = value.config as JsonValue; // the user's config, as written
      } else if (!(canonicalClassName(value.class_name) in known) && !unknown.has(value.class_name)) {
        unknown.set(value.class_name, { className: value.class_name, registeredName, module: typeof value.module === "string" ? value.module : null });
      }
    }
    return result;
  };
  const resolved = visit(withoutMaskOperations(untuple(config as unknown as JsonValue))) as unknown as KerasObjectConfig;
  if (unknown.size > 0) throw new UnknownKerasClassError([...unknown.values()], options.source);
  const normalized = normalizeKerasConfig(resolved);
  const tfjsConfig = toTfjsConfig(normalized as unknown as JsonValue, (className) => aliases.has(className)) as unknown as PreparedConfig["config"];
  if (tfjsConfig.config === undefined) tfjsConfig.config = {};
  return { config: tfjsConfig, aliases };
}

/** tf.keras SavedModel metadata writes tuples as `{class_name: "__tuple__", items: [...]}`; they are lists. */
function untuple(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(untuple);
  if (!isJsonObject(value)) return value;
  if (value["class_name"] === "__tuple__" && Array.isArray(value["items"])) return value["items"].map(untuple);
  const result: JsonObject = {};
  for (const [key, entry] of Object.entries(value)) result[key] = untuple(entry);
  return result;
}

/**
 * Builds the object a Keras config describes (model, layer, initializer...). Weights are fresh.
 *
 * @example
 * const layer = deserializeKerasObject({ class_name: "Dense", config: { units: 3 } }) as keras.layers.Dense;
 */
export function deserializeKerasObject(config: KerasObjectConfig, options: DeserializeOptions = {}): unknown {
  const prepared = prepareKerasConfig(config, options);
  const where = options.source ? `${options.source}: ` : "";
  // Some tfjs-layers initializers (Orthogonal, used by LSTM) call chained tensor methods.
  registerChainedOps();
  try {
    return withKerasClasses(prepared.aliases, () => instantiate(prepared.config, options.fastWeightInit ?? false));
  } catch (error) {
    if (error instanceof UnknownKerasClassError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${where}the config of "${config.class_name}" could not be rebuilt: ${message} The config is corrupt or uses options tskeras does not support yet.`,
      { cause: error },
    );
  }
}

/** Runs `body` with Keras classes and the aliased user classes in tfjs's registry, then restores it. */
export function withKerasClasses<T>(aliases: Map<string, CustomObject>, body: () => T): T {
  const map = registry();
  const saved = new Map<string, RegistryEntry | undefined>();
  const install = (name: string, entry: RegistryEntry): void => {
    if (!saved.has(name)) saved.set(name, map[name]);
    map[name] = entry;
  };
  // A Keras class takes the place of tfjs's class of that name, with tfjs's fromConfig (Model: Functional's).
  const functional = map["Functional"];
  for (const [name, cls] of registeredKerasClasses()) {
    const original = name === "Model" ? functional : map[name];
    if (original && name !== "Sequential") install(name, [cls, original[1]]);
  }
  install("Sequential", [registeredKerasClass("Sequential"), sequentialFromConfig as FromConfig]);
  for (const [alias, object] of aliases) install(alias, [object, pythonStyleFromConfig as FromConfig]);
  try {
    return body();
  } finally {
    for (const [name, entry] of saved) {
      if (entry === undefined) delete map[name];
      else map[name] = entry;
    }
  }
}

/** tfjs's deserialization of one `{className, config}` through the (scoped) registry. */
function instantiate(config: { className: string; config: unknown }, fastWeightInit = false): unknown {
  const entry = registry()[config.className];
  if (!entry) throw new Error(`tfjs-layers has no class "${config.className}".`);
  const [cls, fromConfig] = entry;
  if (fromConfig) return fromConfig(cls, config.config, {}, fastWeightInit);
  return new (cls as new (config: unknown) => unknown)(config.config);
}

/** Keras Sequential: a keras.Sequential with each layer rebuilt in order (Keras 2 also wrote a bare list). */
function sequentialFromConfig(cls: unknown, config: JsonObject | JsonValue[], _customObjects?: unknown, fastWeightInit = false): tfl.Sequential {
  const layers = Array.isArray(config) ? config : ((config["layers"] ?? []) as JsonValue[]);
  const name = Array.isArray(config) ? undefined : (config["name"] as string | undefined);
  // Keras 2 lists the input first as an InputLayer; like Keras, it becomes the model's input, not one of its layers.
  const first = layers[0] as { className?: string; config?: { batchInputShape?: (number | null)[]; dtype?: tfc.DataType; name?: string } } | undefined;
  const items: Array<tfl.layers.Layer | tfl.SymbolicTensor> = [];
  let rest = layers;
  if (first?.className === "InputLayer" && Array.isArray(first.config?.batchInputShape) && layers.length > 1) {
    const { batchInputShape, dtype, name: inputName } = first.config!;
    items.push(tfl.input({ batchShape: batchInputShape!, ...(dtype ? { dtype } : {}), ...(inputName ? { name: inputName } : {}) }));
    rest = layers.slice(1);
  }
  for (const layerConfig of rest) {
    const layer = instantiate(layerConfig as { className: string; config: unknown }, fastWeightInit) as tfl.layers.Layer;
    // tfjs's Sequential.fromConfig does the same: the layer's weights are built as zeros.
    if (fastWeightInit) layer.setFastWeightInitDuringBuild(true);
    items.push(layer);
  }
  const Sequential = cls as new (items: Array<tfl.layers.Layer | tfl.SymbolicTensor>, options: { name?: string }) => tfl.Sequential;
  return new Sequential(items, name === undefined ? {} : { name });
}

/** tfjs's own static fromConfig functions (two arguments: class, config). */
const tfjsFromConfigs = new Set<unknown>([tfc.serialization.Serializable.fromConfig, ...Object.values(registry()).map((entry) => entry[1])]);

/** Whether a class defines Keras's one-argument `static fromConfig(config)` (ours or the user's). */
export function hasPythonStyleFromConfig(cls: unknown): boolean {
  const fromConfig = (cls as { fromConfig?: unknown }).fromConfig;
  if (typeof fromConfig !== "function" || tfjsFromConfigs.has(fromConfig)) return false;
  return (fromConfig as { pythonStyle?: boolean }).pythonStyle === true || fromConfig.length <= 1;
}

/** Keras's default: `cls.fromConfig(config)` when the class defines it, else `new cls(config)`; functions are returned as they are. */
function pythonStyleFromConfig(cls: unknown, config: JsonObject): unknown {
  const { customObjects: _ignored, ...clean } = (config ?? {}) as JsonObject;
  if (hasPythonStyleFromConfig(cls)) return (cls as { fromConfig(config: JsonObject): unknown }).fromConfig(clean);
  if (typeof cls === "function" && cls.prototype === undefined) return cls; // an arrow function
  return constructFromConfig(cls as new (config: JsonObject) => unknown, clean);
}
