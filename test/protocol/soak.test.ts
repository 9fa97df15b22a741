/**
 * Memory soak: thousands of cells keep the kernel's memory bounded (resource bounds, not timing).
 * RSS is the kernel's and its children's, measured after the first 100 cells and after 2,000 more,
 * once the kernel has had its idle collection.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { residentKilobytes } from "../support/process-memory.js";
import { KernelClient, resultOf } from "./kernel-client.js";

const cells = 2000;
const maxKilobytesPerCell = 20;

async function runCells(kernel: KernelClient, code: string, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const { reply } = await kernel.executeAndWait(code);
    assert.equal((reply.content as { status: string }).status, "ok", `cell ${index}`);
    kernel.iopubMessages.length = 0; // the client's own memory stays small
  }
}

async function settledResidentKilobytes(kernel: KernelClient): Promise<number> {
  // The kernel collects garbage after a second idle; RSS is read after that.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  return residentKilobytes(kernel.process.pid!);
}

async function value(kernel: KernelClient, code: string): Promise<string | undefined> {
  return resultOf((await kernel.executeAndWait(code)).iopub);
}

describe("memory soak", () => {
  it(`grows RSS by at most ${maxKilobytesPerCell} KB per trivial cell over ${cells} cells`, async (t) => {
    const kernel = await KernelClient.start();
    try {
      await kernel.executeAndWait('import { tf, keras } from "tskeras";', {}, 300_000);
      await runCells(kernel, "let z0 = 1; z0", 100);
      const before = await settledResidentKilobytes(kernel);
      await runCells(kernel, "let z0 = 1; z0", cells);
      const afterCells = await settledResidentKilobytes(kernel);
      const perCell = (afterCells - before) / cells;
      t.diagnostic(`RSS ${(before / 1024).toFixed(0)} MB → ${(afterCells / 1024).toFixed(0)} MB: ${perCell.toFixed(1)} KB per cell`);
      assert.ok(perCell <= maxKilobytesPerCell, `RSS grew ${perCell.toFixed(1)} KB per cell (at most ${maxKilobytesPerCell})`);
    } finally {
      await kernel.stop();
    }
  });

  it(`frees tensors no name can reach: ${cells} cells rebinding names to fresh tensors keep numTensors and RSS bounded`, async (t) => {
    const kernel = await KernelClient.start({ env: { TSKERAS_BACKEND: "wasm" } });
    try {
      await kernel.executeAndWait('import { tf, keras } from "tskeras";', {}, 300_000);
      // Shared data: the reshaped view must survive its source being collected.
      await kernel.executeAndWait("let source: any = tf.ones([1000]);\nconst view = source.reshape([10, 100]);\nsource = null;");
      // Explicit dispose and tf.tidy keep working alongside.
      assert.equal(await value(kernel, "const disposed = tf.ones([10]);\ndisposed.dispose();\ndisposed.isDisposed"), "true");
      const rebinding = "const a0 = tf.tidy(() => tf.randomNormal([100, 100]).sum());\nconst b0 = tf.randomNormal([100, 100]);";
      await runCells(kernel, rebinding, 100);
      const before = await settledResidentKilobytes(kernel);
      await runCells(kernel, rebinding, cells);
      const afterCells = await settledResidentKilobytes(kernel);
      const tensors = Number(await value(kernel, "tf.memory().numTensors"));
      const perCell = (afterCells - before) / cells;
      t.diagnostic(`numTensors after ${cells} rebinding cells: ${tensors}; RSS ${perCell.toFixed(1)} KB per cell`);
      // Without freeing, each cell would leave a 40 KB tensor behind: 2,000+ tensors, ≥ 40 KB per cell.
      assert.ok(tensors <= 600, `numTensors ${tensors} stays bounded (≤ 600)`);
      assert.ok(perCell <= maxKilobytesPerCell, `RSS grew ${perCell.toFixed(1)} KB per cell (at most ${maxKilobytesPerCell})`);
      assert.equal(await value(kernel, "view.sum().dataSync()[0]"), "1000");
      assert.equal(await value(kernel, "tf.tidy(() => tf.ones([3]).sum().dataSync()[0])"), "3");
    } finally {
      await kernel.stop();
    }
  });
});
