/**
 * `keras.models.loadModel(dir)` for tf-keras 2 SavedModels: the model is rebuilt from the
 * config in `keras_metadata.pb` (the root node's metadata JSON), compiled from its training
 * config, and its variables (weights, optimizer state) are restored from `variables/` by
 * walking the checkpoint's object graph edge by edge (`layer_with_weights-0/kernel`, ...),
 * as tf-keras does.
 *
 * @example
 * ```ts
 * const model = await loadKerasSavedModel("my_model");
 * model.predict(tf.zeros([2, 43]));
 * ```
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { loadCheckpoint } from "../../../formats/checkpoint/index.js";
import { restoreCheckpoint } from "../../../tf/tracking/checkpoint.js";
import { modelTrackables } from "../trackables.js";
import { modelFromKerasConfig, type LoadKerasModelOptions } from "../load-model.js";
import { toTfjsCompileArgs } from "../../training/train.js";
import { lossFromKerasConfig } from "../loss-config.js";
import type { KerasObjectConfig } from "../../../formats/keras-json/schema.js";
import { kerasMetadataEntries } from "../../../formats/savedmodel/keras-metadata.js";
import { readSavedModelDirectory } from "../../../formats/savedmodel/saved-model-directory.js";
import { UnknownKerasClassError } from "../keras-json/class-registry.js";
import { resolveCustomObject } from "../keras-json/custom-objects.js";
import { reviveKerasSavedModel } from "./revived-model.js";
import { optimizerFromKeras, UnsupportedOptimizerError } from "../optimizer.js";
import { buildSubclassedFor } from "../../models/subclassed.js";

/** What the root node's metadata JSON holds (tf-keras 2 writes these keys). */
interface RootMetadata {
  name?: unknown;
  class_name?: string;
  registered_name?: string;
  config?: unknown;
  model_config?: KerasObjectConfig;
  training_config?: TrainingConfig | null;
  /** False for subclassed models (their architecture is their `call`, not a graph config). */
  is_graph_network?: boolean;
  /** What a subclassed model was built for (batch first). */
  build_input_shape?: Array<number | null> | { class_name: string; items: Array<number | null> } | null;
  input_dtype?: string;
}

interface TrainingConfig {
  loss?: unknown;
  metrics?: unknown;
  optimizer_config?: { class_name?: string; config?: Record<string, unknown> };
}

export async function loadKerasSavedModel(directory: string, options: LoadKerasModelOptions = {}): Promise<tfl.LayersModel> {
  const files = readSavedModelDirectory(directory);
  if (files.kerasMetadata === undefined) {
    throw new Error(
      `${directory} is a SavedModel without keras_metadata.pb, so it holds no Keras model config to rebuild. ` +
        `Run its signatures with tf.savedModel.load("${directory}") instead.`,
    );
  }
  const root = kerasMetadataEntries(files.kerasMetadata).find((entry) => entry.nodePath === "root");
  const metadata = root?.metadata as RootMetadata | undefined;
  const config =
    metadata?.model_config ??
    (metadata?.class_name !== undefined ? ({ class_name: metadata.class_name, config: metadata.config } as KerasObjectConfig) : undefined);
  const name = typeof metadata?.name === "string" ? metadata.name : "revived_model";
  if (metadata?.is_graph_network === false && !["Sequential", "Functional", "Model"].includes(metadata.class_name ?? "")) {
    return loadSubclassedModel(directory, files.variablesPrefix, metadata, name, options);
  }
  if (config === undefined) {
    // A subclassed model saved without get_config: only its saved forward pass can come back.
    return reviveKerasSavedModel(directory, {
      name,
      originalClassName: metadata?.class_name ?? "Model",
      reason: "Its root node has no model config (a subclassed model saved without getConfig).",
    });
  }
  let model: tfl.LayersModel;
  try {
    model = await modelFromKerasConfig(decodeJsonExtensions(config) as KerasObjectConfig, { source: directory, ...options });
  } catch (error) {
    if (!(error instanceof UnknownKerasClassError)) throw error;
    // As tf-keras does for a custom class that is not available: a generic model running the saved forward pass.
    const classes = error.unknownClasses.map((entry) => entry.className).join(", ");
    return reviveKerasSavedModel(directory, { name, originalClassName: config.class_name, reason: `Class ${classes} is not registered.` });
  }
  await restoreSavedState(model, metadata, files.variablesPrefix, directory);
  return model;
}

/** Compiles the model as saved, then restores its variables and optimizer state from `variables/`. */
async function restoreSavedState(model: tfl.LayersModel, metadata: RootMetadata | undefined, variablesPrefix: string, directory: string): Promise<void> {
  const training = metadata?.training_config;
  if (training) compileFromTrainingConfig(model, training, directory);
  // Edge names from the root are the same as in tf-keras TF-format checkpoints.
  const status = await restoreCheckpoint(modelTrackables(model, { forRestore: true }).root, loadCheckpoint(variablesPrefix));
  status.assertExistingObjectsMatched();
}

/**
 * A subclassed model (`class CustomModel extends keras.Model { call(x) {...} }`): with its class
 * available (registered or in customObjects) it is rebuilt as that class, from its config when
 * saved (the class defines getConfig) or with no constructor arguments, then built by one call on
 * an input of the saved shape, compiled and restored. Without the class, or when the class needs
 * constructor arguments no config recorded, it comes back as a revived model running the saved
 * forward pass, as tf-keras does.
 */
async function loadSubclassedModel(
  directory: string,
  variablesPrefix: string,
  metadata: RootMetadata,
  name: string,
  options: LoadKerasModelOptions,
): Promise<tfl.LayersModel> {
  const className = metadata.class_name ?? "Model";
  const registeredName = typeof metadata.registered_name === "string" ? metadata.registered_name : null;
  const cls = resolveCustomObject(registeredName, className, options.customObjects);
  if (cls === undefined) return reviveKerasSavedModel(directory, { name, originalClassName: className, reason: `Class ${className} is not registered.` });
  let model: unknown;
  if (metadata.config !== undefined) {
    model = await modelFromKerasConfig(
      {
        class_name: className,
        config: decodeJsonExtensions(metadata.config) as KerasObjectConfig["config"],
        ...(registeredName ? { registered_name: registeredName } : {}),
      } as KerasObjectConfig,
      { source: directory, ...options },
    );
  } else if ((cls as { length: number }).length > 0) {
    const reason = `${className} was saved without getConfig and its constructor takes arguments, so it cannot be rebuilt from the class.`;
    console.warn(`${directory}: ${reason} Returning a revived model that runs the saved forward pass; add getConfig() to ${className} to get the class back.`);
    return reviveKerasSavedModel(directory, { name, originalClassName: className, reason });
  } else {
    model = new (cls as new () => unknown)();
    // Keras passes the saved name back in the config; weights are named under it once built.
    if (model instanceof tfl.LayersModel) (model as { name: string }).name = name;
  }
  if (!(model instanceof tfl.LayersModel))
    throw new Error(`${directory}: the class ${className} made a ${String((model as object | null)?.constructor?.name)}, not a keras.Model.`);
  const built: tfl.LayersModel = model;
  if (!built.built) {
    const saved = metadata.build_input_shape;
    const shape = Array.isArray(saved) ? saved : saved?.items;
    if (!Array.isArray(shape))
      throw new Error(
        `${directory}: the saved ${className} records no build_input_shape, so it cannot be built before its variables are restored. Build it yourself (model.apply(x)) and load the weights with model.loadWeights("${directory}/variables/variables").`,
      );
    buildSubclassedFor(built, shape, (metadata.input_dtype ?? "float32") as tfc.DataType);
  }
  await restoreSavedState(built, metadata, variablesPrefix, directory);
  return built;
}

/** Compiles like tf-keras's `compile_args_from_training_config` for the common cases. */
function compileFromTrainingConfig(model: tfl.LayersModel, training: TrainingConfig, directory: string): void {
  const optimizer = optimizerFromConfig(training.optimizer_config);
  const loss = typeof training.loss === "string" ? training.loss : lossFromKerasConfig(training.loss);
  if (optimizer === undefined || loss === undefined) {
    // Not fatal: the model predicts; only resuming training needs compile(), which the user can call.
    console.warn(
      `${directory}: the training config (loss ${JSON.stringify(training.loss)}, optimizer ${training.optimizer_config?.class_name}) is not supported; the model is loaded uncompiled.`,
    );
    return;
  }
  const metrics = metricNames(training.metrics);
  let args: tfl.ModelCompileArgs;
  try {
    args = toTfjsCompileArgs({ optimizer, loss, metrics });
  } catch {
    // Losses the Keras layer does not name yet (binary_crossentropy, ...) exist in tfjs-layers under camelCase names.
    if (typeof loss !== "string") throw new Error(`${directory}: the loss ${loss.name} could not be compiled.`);
    args = { optimizer, loss: loss.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase()), metrics };
  }
  model.compile(args);
}

function optimizerFromConfig(config: TrainingConfig["optimizer_config"]): tfc.Optimizer | undefined {
  if (!config?.class_name) return undefined;
  try {
    return optimizerFromKeras(config.class_name, config.config ?? {});
  } catch (error) {
    if (error instanceof UnsupportedOptimizerError) return undefined;
    throw error;
  }
}

/** Metric names of a Keras 2 training config: `[[{class_name: "MeanMetricWrapper", config: {name: "accuracy"}}]]` → `["accuracy"]`. */
function metricNames(metrics: unknown): string[] {
  const names: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === "string") names.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null) {
      const name = (value as { config?: { name?: unknown } }).config?.name;
      if (typeof name === "string") names.push(name);
    }
  };
  visit(metrics);
  return names;
}

/**
 * tf-keras's SavedModel JSON encodes tuples as `{"class_name": "__tuple__", "items": [...]}` and
 * shapes as `{"class_name": "TensorShape", "items": [...]}`; the Keras config loader wants lists.
 */
function decodeJsonExtensions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeJsonExtensions);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if ((record["class_name"] === "__tuple__" || record["class_name"] === "TensorShape") && Array.isArray(record["items"])) {
    return record["items"].map(decodeJsonExtensions);
  }
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, decodeJsonExtensions(item)]));
}
