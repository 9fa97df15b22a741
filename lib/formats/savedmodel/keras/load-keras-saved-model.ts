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
import type * as tfl from "@tensorflow/tfjs-layers";
import { loadCheckpoint } from "../../checkpoint/index.js";
import { restoreCheckpoint } from "../../../saving/checkpoint.js";
import { modelTrackables } from "../../../saving/keras-trackables.js";
import { modelFromKerasConfig, type LoadKerasModelOptions } from "../../../keras/saving/load-model.js";
import { toTfjsCompileArgs } from "../../../keras/training/train.js";
import { lossFromKerasConfig } from "../../../keras/saving/loss-config.js";
import type { KerasObjectConfig } from "../../../keras/saving/keras-json/schema.js";
import { kerasMetadataEntries } from "../keras-metadata.js";
import { readSavedModelDirectory } from "../saved-model-directory.js";
import { UnknownKerasClassError } from "../../../keras/saving/keras-json/class-registry.js";
import { reviveKerasSavedModel } from "./revived-model.js";

/** What the root node's metadata JSON holds (tf-keras 2 writes these keys). */
interface RootMetadata {
  class_name?: string;
  config?: unknown;
  model_config?: KerasObjectConfig;
  training_config?: TrainingConfig | null;
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
  const config = metadata?.model_config ?? (metadata?.class_name !== undefined ? ({ class_name: metadata.class_name, config: metadata.config } as KerasObjectConfig) : undefined);
  const name = typeof (metadata as { name?: unknown } | undefined)?.name === "string" ? (metadata as { name: string }).name : "revived_model";
  if (config === undefined) {
    // A subclassed model saved without get_config: only its saved forward pass can come back.
    return reviveKerasSavedModel(directory, { name, originalClassName: metadata?.class_name ?? "Model", reason: "Its root node has no model config (a subclassed model saved without getConfig)." });
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
  const training = metadata?.training_config;
  if (training) compileFromTrainingConfig(model, training, directory);
  // Edge names from the root are the same as in tf-keras TF-format checkpoints.
  const status = await restoreCheckpoint(modelTrackables(model, { forRestore: true }).root, loadCheckpoint(files.variablesPrefix));
  status.assertExistingObjectsMatched();
  return model;
}

/** Compiles like tf-keras's `compile_args_from_training_config` for the common cases. */
function compileFromTrainingConfig(model: tfl.LayersModel, training: TrainingConfig, directory: string): void {
  const optimizer = optimizerFromConfig(training.optimizer_config);
  const loss = typeof training.loss === "string" ? training.loss : lossFromKerasConfig(training.loss);
  if (optimizer === undefined || loss === undefined) {
    // Not fatal: the model predicts; only resuming training needs compile(), which the user can call.
    console.warn(`${directory}: the training config (loss ${JSON.stringify(training.loss)}, optimizer ${training.optimizer_config?.class_name}) is not supported; the model is loaded uncompiled.`);
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
  const settings = config?.config ?? {};
  const number = (key: string, fallback: number): number => (typeof settings[key] === "number" ? (settings[key] as number) : fallback);
  const learningRate = number("learning_rate", number("lr", 0.001));
  switch (config?.class_name) {
    case "Adam":
      return tfc.train.adam(learningRate, number("beta_1", 0.9), number("beta_2", 0.999), number("epsilon", 1e-7));
    case "Adamax":
      return tfc.train.adamax(learningRate, number("beta_1", 0.9), number("beta_2", 0.999), number("epsilon", 1e-7), number("decay", 0));
    case "SGD":
      return number("momentum", 0) > 0 ? tfc.train.momentum(learningRate, number("momentum", 0), settings["nesterov"] === true) : tfc.train.sgd(learningRate);
    case "RMSprop":
      return tfc.train.rmsprop(learningRate, number("rho", 0.9), number("momentum", 0), number("epsilon", 1e-7), settings["centered"] === true);
    case "Adagrad":
      return tfc.train.adagrad(learningRate, number("initial_accumulator_value", 0.1));
    default:
      return undefined;
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
