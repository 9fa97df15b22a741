/**
 * tskeras's half of `npm run bench -- saving`: the same operations as keras_worker.py on the same
 * model, with the peak RSS each adds (VmHWM reset through /proc/self/clear_refs; RSS, not heap).
 * Usage: node dist/bench/saving/tskeras-worker.js DIRECTORY   (reads Keras's keras.keras there if present)
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { keras, tf } from "../../lib/index.js";

const directory = process.argv[2]!;

function rssMegabytes(field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync("/proc/self/status", "utf8").split("\n").find((entry) => entry.startsWith(`${field}:`));
  return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
}

async function measure(body: () => Promise<unknown>): Promise<{ ms: number; peak_mb: number }> {
  writeFileSync("/proc/self/clear_refs", "5"); // resets VmHWM to the current RSS
  const before = rssMegabytes("VmRSS");
  const started = performance.now();
  const result = await body();
  const ms = performance.now() - started;
  const peak = rssMegabytes("VmHWM") - before;
  if (result && typeof (result as { dispose?: unknown }).dispose === "function") (result as { dispose(): void }).dispose();
  return { ms, peak_mb: peak };
}

function buildModel(): keras.Sequential {
  return new keras.Sequential([keras.Input({ shape: [2048] }), new keras.layers.Dense(4096), new keras.layers.Dense(4096), new keras.layers.Dense(1024)]);
}

const model = buildModel();
const path = (name: string) => join(directory, name);
const operations: Record<string, { ms: number; peak_mb: number }> = {};
operations["save .keras"] = await measure(() => model.save(path("tskeras.keras")));
operations["load .keras"] = await measure(() => keras.models.loadModel(path("tskeras.keras")));
if (existsSync(path("keras.keras"))) operations["load Keras's .keras"] = await measure(() => keras.models.loadModel(path("keras.keras")));
operations["save .h5"] = await measure(() => model.save(path("tskeras.h5")));
operations["load .h5"] = await measure(() => keras.models.loadModel(path("tskeras.h5")));
operations["save_weights .weights.h5"] = await measure(() => model.saveWeights(path("tskeras.weights.h5")));
operations["load_weights .weights.h5"] = await measure(() => model.loadWeights(path("tskeras.weights.h5")));
operations["TF checkpoint save"] = await measure(() => model.saveWeights(path("tskeras-ckpt/ckpt")));
operations["TF checkpoint restore"] = await measure(() => model.loadWeights(path("tskeras-ckpt/ckpt")));
process.stdout.write(JSON.stringify({ version: `tskeras on ${tf.getBackend()}`, parameters: model.countParams(), baseline_mb: rssMegabytes("VmRSS"), operations }));
