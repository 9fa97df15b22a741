/**
 * Sustained cells: cells per second over 2,000 trivial cells and RSS growth per 1,000 cells (kernel
 * and children, read after the kernel's idle collection), for tskeras and for ipykernel (Debian's
 * /usr/bin/python3) running the equivalent Python cells in the same run. Then 2,000 cells rebinding
 * names to fresh 100×100 tensors (numpy arrays for ipykernel): numTensors and RSS growth.
 */
import { existsSync } from "node:fs";
import { KernelClient, resultOf } from "../test/protocol/kernel-client.js";
import { residentKilobytes } from "../test/support/process-memory.js";

const cells = 2000;

interface Kernel {
  name: string;
  start: () => Promise<KernelClient>;
  setup: string;
  trivial: string;
  rebinding: string;
  countTensors?: string;
}

const kernels: Kernel[] = [
  {
    name: "tskeras",
    start: () => KernelClient.start({ env: { TSKERAS_BACKEND: "wasm" } }),
    setup: 'import { tf, keras } from "tskeras";',
    trivial: "let z0 = 1; z0",
    rebinding: "const a0 = tf.tidy(() => tf.randomNormal([100, 100]).sum());\nconst b0 = tf.randomNormal([100, 100]);",
    countTensors: "tf.memory().numTensors",
  },
  {
    name: "ipykernel",
    start: () => KernelClient.start({ executable: "/usr/bin/python3", command: (file) => ["-m", "ipykernel_launcher", "-f", file] }),
    setup: "import numpy as np",
    trivial: "z0 = 1; z0",
    rebinding: "a0 = np.random.randn(100, 100).sum()\nb0 = np.random.randn(100, 100)",
  },
];

async function run(kernel: KernelClient, code: string, count: number): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    await kernel.executeAndWait(code, {}, 300_000);
    kernel.iopubMessages.length = 0;
  }
  return performance.now() - started;
}

async function settledRss(kernel: KernelClient): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 2500));
  return residentKilobytes(kernel.process.pid!);
}

async function soak(kernel: KernelClient, code: string): Promise<{ cellsPerSecond: number; kilobytesPer1000: number }> {
  await run(kernel, code, 100);
  const before = await settledRss(kernel);
  const milliseconds = await run(kernel, code, cells);
  const after = await settledRss(kernel);
  return { cellsPerSecond: (cells * 1000) / milliseconds, kilobytesPer1000: ((after - before) * 1000) / cells };
}

for (const spec of kernels) {
  if (spec.name === "ipykernel" && !existsSync("/usr/bin/python3")) continue;
  const kernel = await spec.start();
  try {
    await kernel.executeAndWait(spec.setup, {}, 300_000);
    const trivial = await soak(kernel, spec.trivial);
    const rebinding = await soak(kernel, spec.rebinding);
    const tensors = spec.countTensors ? resultOf((await kernel.executeAndWait(spec.countTensors)).iopub) : undefined;
    console.log(
      `${spec.name.padEnd(9)} trivial cells: ${trivial.cellsPerSecond.toFixed(0)} cells/s, RSS ${(trivial.kilobytesPer1000 / 1024).toFixed(1)} MB per 1,000 cells; ` +
        `rebinding to fresh 100×100 arrays: ${rebinding.cellsPerSecond.toFixed(0)} cells/s, RSS ${(rebinding.kilobytesPer1000 / 1024).toFixed(1)} MB per 1,000 cells` +
        (tensors === undefined ? "" : `, numTensors after ${cells + 100}: ${tensors}`),
    );
  } finally {
    await kernel.stop();
  }
}
