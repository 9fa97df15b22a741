import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { kernelEnvironment, repositoryRoot } from "../support/kernelspec.js";
import { launchChromium } from "./browser.js";
import { startNotebookServer, type JupyterServer } from "./jupyter-server.js";

/** Runs every cell of the open classic-Notebook page and waits until the kernel has answered all. */
async function runAll(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const jupyter = (globalThis as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
    return jupyter?.notebook?.kernel?.is_connected() === true;
  }, undefined, { timeout: 90_000 });
  await page.evaluate(() => (globalThis as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells());
  await page.waitForFunction(
    () => {
      const cells = (globalThis as unknown as { Jupyter: { notebook: { get_cells(): Array<{ cell_type: string; input_prompt_number?: number | string | null }> } } }).Jupyter.notebook.get_cells();
      return cells.every((cell) => cell.cell_type !== "code" || typeof cell.input_prompt_number === "number");
    },
    undefined,
    { timeout: 180_000, polling: 250 },
  );
}

describe("the kernel in a real browser (Debian chromium + classic Jupyter Notebook)", () => {
  let server: JupyterServer;
  let directory: string;
  before(async () => {
    assert.ok(existsSync("/usr/bin/chromium"), "Debian's chromium is needed: apt-get install chromium (.ci/run installs it)");
    directory = mkdtempSync(join(tmpdir(), "tskeras-ui-"));
    copyFileSync(join(repositoryRoot, "test/notebooks/kernel-features.ipynb"), join(directory, "kernel-features.ipynb"));
    server = await startNotebookServer(directory, kernelEnvironment());
  });
  after(async () => {
    await server?.stop();
  });

  it("runs all cells and renders their rich outputs", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/notebooks/kernel-features.ipynb?token=${server.token}`);
      await runAll(page);
      const html = page.locator(".output_html table td");
      assert.deepEqual(await html.allTextContents(), ["rich", "display"]);
      assert.equal(await page.locator(".output_markdown strong, .output_subarea strong").first().textContent(), "bold");
      const errors = await page.locator(".output_error").allTextContents();
      assert.equal(errors.length, 2);
      assert.match(errors[0]!, /Type 'string' is not assignable to type 'number'/);
      mkdirSync(join(repositoryRoot, "test-output"), { recursive: true });
      await page.screenshot({ path: join(repositoryRoot, "test-output/kernel-features.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
