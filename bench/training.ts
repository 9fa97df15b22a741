/**
 * MNIST MLP (Dense 512 relu / Dropout 0.2 / Dense 10) training throughput in samples/s on wasm with
 * and without the BatchMatMul transpose fix (lib/backend/wasm-batch-matmul.ts) and on cpu, reported
 * as ratios measured in this one run. Usage: node dist/bench/training.js
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerChainedOps } from "../lib/backend/chained-ops.js";
import { patchWasmBatchMatMul, unpatchWasmBatchMatMul } from "../lib/backend/wasm-batch-matmul.js";
import * as keras from "../lib/keras/index.js";

const require = createRequire(import.meta.url);
const samples = 2048;

/** Samples per second for one epoch after a warm-up epoch. */
async function samplesPerSecond(x: tfc.Tensor, y: tfc.Tensor): Promise<number> {
  const model = new keras.Sequential([
    new keras.layers.Dense(512, { activation: "relu", inputShape: [784] }),
    new keras.layers.Dropout(0.2),
    new keras.layers.Dense(10),
  ]);
  model.compile({ optimizer: "adam", loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
  await model.fit(tfc.slice(x, 0, 256), tfc.slice(y, 0, 256), { epochs: 1, verbose: 0 });
  const started = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  return samples / ((performance.now() - started) / 1000);
}

registerChainedOps();
(tfc.findBackend("cpu") as { firstUse?: boolean } | null)!.firstUse = false;
tfc.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`);
await tfc.setBackend("wasm");
const x = tfc.randomUniform([samples, 784]);
const y = tfc.randomUniform([samples], 0, 10, "int32");

const results: Record<string, number> = {};
patchWasmBatchMatMul();
results["wasm (fixed)"] = await samplesPerSecond(x, y);
unpatchWasmBatchMatMul();
results["wasm (tfjs 4.22 kernel)"] = await samplesPerSecond(x, y);
await tfc.setBackend("cpu");
results["cpu"] = await samplesPerSecond(tfc.tensor(x.dataSync(), x.shape), tfc.tensor(y.dataSync(), y.shape, "int32"));

const torch = spawnSync("/usr/bin/python3", ["-c", "import torch"], { encoding: "utf8" });
const baseline = results["wasm (fixed)"];
for (const [name, rate] of Object.entries(results)) {
  console.log(`${name.padEnd(24)} ${rate.toFixed(0).padStart(7)} samples/s   ${(rate / baseline).toFixed(2)}× of wasm (fixed)`);
}
if (torch.status !== 0) console.log("PyTorch CPU: not installed for /usr/bin/python3; skipped.");
