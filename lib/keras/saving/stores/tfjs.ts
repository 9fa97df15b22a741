/**
 * The TensorFlow.js layers format as a Keras store: the model gives tfjs its artifacts, formats/tfjs
 * writes and reads the files (model.json + weight shards).
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { modelJsonPathOf, readTfjsArtifacts, TfjsFormatError, writeTfjsArtifacts, type TfjsModelFiles } from "../../../formats/tfjs/model-json.js";
import type { JsonObject } from "../../../formats/keras-json/schema.js";
import { compileStateOf } from "../compile-state.js";

/**
 * Saves a model in TensorFlow.js's layers format (model.json + shards), loadable by `tf.loadLayersModel`
 * and Python's `tensorflowjs`.
 * @example
 * await saveTfjsLayersModel(model, "web_model");   // web_model/model.json + web_model/group1-shard1of1-….bin
 */
export async function saveTfjsLayersModel(
  model: tfl.LayersModel,
  directory: string,
  options: { includeOptimizer?: boolean; shardBytes?: number } = {},
): Promise<TfjsModelFiles> {
  let artifacts: tfc.io.ModelArtifacts | undefined;
  await model.save(
    tfc.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: tfc.io.getModelArtifactsInfoForJSON(saved) };
    }),
    { includeOptimizer: options.includeOptimizer ?? false },
  );
  if (!artifacts) throw new Error("TensorFlow.js produced no model artifacts to save.");
  const trainingConfig = artifacts.trainingConfig ? withLossNames(model, artifacts.trainingConfig) : undefined;
  return writeTfjsArtifacts({ ...artifacts, trainingConfig }, directory, { shardBytes: options.shardBytes });
}

/**
 * tfjs writes a loss into `trainingConfig` only when `compile` was given its name; tskeras compiles
 * with loss functions (they carry Keras's options), which tfjs writes as `{}`, and loading such a
 * model.json then compiles without a loss (with a warning per output). The Keras names go back in,
 * where tfjs's loss of that name means the same: a crossentropy with `from_logits` has no tfjs
 * name, so it stays as tfjs wrote it.
 */
function withLossNames(model: tfl.LayersModel, trainingConfig: tfc.io.TrainingConfig): tfc.io.TrainingConfig {
  const loss = trainingConfig.loss as unknown;
  const unnamed = typeof loss === "object" && loss !== null && !Array.isArray(loss) && Object.keys(loss).length === 0;
  if (!unnamed) return trainingConfig;
  let state: ReturnType<typeof compileStateOf>;
  try {
    state = compileStateOf(model);
  } catch {
    return trainingConfig; // an anonymous loss function has no name to write; tfjs's `{}` stays
  }
  if (!state) return trainingConfig;
  const nameOf = (entry: string | JsonObject): string | undefined => {
    if (typeof entry === "string") return entry;
    const config = entry["config"] as JsonObject | undefined;
    return config?.["from_logits"] === false && typeof config["name"] === "string" ? config["name"] : undefined;
  };
  const names = (Array.isArray(state.loss) ? state.loss : [state.loss]).map(nameOf);
  if (names.some((name) => name === undefined)) return trainingConfig;
  return { ...trainingConfig, loss: (Array.isArray(state.loss) ? names : names[0]) as tfc.io.TrainingConfig["loss"] };
}

/** Loads a TensorFlow.js layers model (model.json + shards) from disk. */
export async function loadTfjsLayersModel(path: string): Promise<tfl.LayersModel> {
  const artifacts = readTfjsArtifacts(path);
  if (artifacts.format === "graph-model") {
    throw new TfjsFormatError(
      `${modelJsonPathOf(path)} is a TensorFlow.js graph model (converted from a SavedModel); it has no Keras layers. Load it with loadTfjsGraphModel for inference.`,
    );
  }
  return tfl.loadLayersModel(tfc.io.fromMemory(artifacts));
}
