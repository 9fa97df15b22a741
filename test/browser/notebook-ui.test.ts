import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { kernelEnvironment, repositoryRoot } from "../support/kernelspec.js";
import { launchChromium } from "./browser.js";
import { runAll } from "./classic-notebook.js";
import { startNotebookServer, type JupyterServer } from "./jupyter-server.js";

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
