/**
 * A model kept as two files, as older Keras and model zoos (hls4ml) ship it: the architecture from
 * `model.to_json()` and the weights from `model.save_weights("….h5")`. Python rebuilds it with
 * `model_from_json(text)` then `load_weights(path)`; so does {@link loadArchitectureWithWeights}.
 *
 * @example
 * const found = findArchitectureAndWeights("zoo/jet_tagger");   // { architecture: ".../model.json", weights: ".../weights.h5" }
 * const model = await loadArchitectureWithWeights(found!.architecture, found!.weights);
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type * as tfl from "@tensorflow/tfjs-layers";
import { modelFromJSON } from "./serialization.js";
import { loadWeights } from "./api.js";

/** Whether a JSON file is a Keras `to_json()` architecture (not a tfjs model.json, which has modelTopology). */
function isKerasArchitecture(path: string): boolean {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    return typeof parsed["class_name"] === "string" && typeof parsed["config"] === "object" && !("modelTopology" in parsed);
  } catch {
    return false;
  }
}

/**
 * The architecture JSON and weights `.h5` in a folder, or undefined when the folder is not such a
 * pair (not a folder, a SavedModel, no architecture or no weights). Several candidates are an error
 * that names them.
 */
export function findArchitectureAndWeights(folder: string): { architecture: string; weights: string } | undefined {
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  const names = readdirSync(folder).sort();
  if (names.includes("saved_model.pb")) return undefined;
  const architectures = names.filter((name) => name.endsWith(".json") && isKerasArchitecture(join(folder, name)));
  const weights = names.filter((name) => /\.(h5|hdf5)$/i.test(name));
  if (architectures.length === 0 || weights.length === 0) return undefined;
  if (architectures.length > 1 || weights.length > 1) {
    throw new Error(
      `${folder} holds ${architectures.length} Keras architecture files (${architectures.join(", ")}) and ${weights.length} weights files (${weights.join(", ")}); ` +
        `expected one of each. Name them: tskeras predict WEIGHTS.h5 --config ARCHITECTURE.json ...`,
    );
  }
  return { architecture: join(folder, architectures[0]!), weights: join(folder, weights[0]!) };
}

/** Python `keras.models.model_from_json(open(architecture).read())` then `model.load_weights(weights)`. */
export async function loadArchitectureWithWeights(architecture: string, weights: string): Promise<tfl.LayersModel> {
  if (!isKerasArchitecture(architecture)) {
    throw new Error(
      `${architecture} is not a Keras architecture JSON (model.to_json(): {"class_name": ..., "config": ...}). A tfjs model.json loads on its own: tskeras predict ${architecture}.`,
    );
  }
  const model = modelFromJSON(readFileSync(architecture, "utf8"));
  await loadWeights(model, weights);
  return model;
}
