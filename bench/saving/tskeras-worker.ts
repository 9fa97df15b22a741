/**
 * tskeras's half of `npm run bench -- saving`: one operation on the 29.4M-parameter Dense model, in
 * this fresh process. The same operation on a tiny model runs first, so one-time start-up (loading the
 * HDF5 library, starting its reader thread) is not counted. Prints {"version", "parameters", "ms",
 * "peak_mb"}: milliseconds, and the peak RSS above the RSS before the operation (VmHWM, reset through
 * /proc/self/clear_refs; RSS, not heap).
 * Usage: node dist/bench/saving/tskeras-worker.js DIRECTORY OPERATION   ("load Keras's .keras" reads Keras's keras.keras)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { keras, tf } from "../../lib/index.js";

const [directory, operation] = [process.argv[2]!, process.argv[3]!];

function rssMegabytes(field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync("/proc/self/status", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${field}:`));
  return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
}

function denseModel(widths: number[]): keras.Sequential {
  return new keras.Sequential([keras.Input({ shape: [widths[0]!] }), ...widths.slice(1).map((width) => new keras.layers.Dense(width))]);
}

type Operation = [needsModel: boolean, body: (model: keras.Sequential) => Promise<unknown>];

/** name → operation; files are named by `prefix`, so the tiny warm-up uses its own. */
function operations(prefix: string): Record<string, Operation> {
  const path = (name: string) => join(directory, prefix + name);
  return {
    "save .keras": [true, (model) => model.save(path("tskeras.keras"))],
    "load .keras": [false, () => keras.models.loadModel(path("tskeras.keras"))],
    "load Keras's .keras": [false, () => keras.models.loadModel(path("keras.keras"))],
    "save .h5": [true, (model) => model.save(path("tskeras.h5"))],
    "load .h5": [false, () => keras.models.loadModel(path("tskeras.h5"))],
    "save_weights .weights.h5": [true, (model) => model.saveWeights(path("tskeras.weights.h5"))],
    "load_weights .weights.h5": [true, (model) => model.loadWeights(path("tskeras.weights.h5"))],
    "TF checkpoint save": [true, (model) => model.saveWeights(path("tskeras-ckpt/ckpt"))],
    "TF checkpoint restore": [true, (model) => model.loadWeights(path("tskeras-ckpt/ckpt"))],
  };
}

const savers: Record<string, string> = {
  "load .keras": "save .keras",
  "load Keras's .keras": "save .keras",
  "load .h5": "save .h5",
  "load_weights .weights.h5": "save_weights .weights.h5",
  "TF checkpoint restore": "TF checkpoint save",
};
const tinyOperations = operations("tiny-");
const tiny = denseModel([4, 3, 2]);
const saver = savers[operation];
if (saver) await tinyOperations[saver]![1](tiny);
// Keras's tiny file is not there; loading the tiny tskeras .keras warms the same code.
await tinyOperations[operation === "load Keras's .keras" ? "load .keras" : operation]![1](tiny);

const [needsModel, body] = operations("")[operation]!;
const model = needsModel ? denseModel([2048, 4096, 4096, 1024]) : tiny;
writeFileSync("/proc/self/clear_refs", "5"); // resets VmHWM to the current RSS
const before = rssMegabytes("VmRSS");
const started = performance.now();
const result = await body(model);
const ms = performance.now() - started;
const peak = rssMegabytes("VmHWM") - before;
if (result && typeof (result as { dispose?: unknown }).dispose === "function") (result as { dispose(): void }).dispose();
process.stdout.write(JSON.stringify({ version: `tskeras on ${tf.getBackend()}`, ms, peak_mb: peak }));
