import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { kernelEnvironment, repositoryRoot } from "../support/kernelspec.js";
import { launchChromium } from "./browser.js";
import { runAll } from "./classic-notebook.js";
import { startNotebookServer, type JupyterServer } from "./jupyter-server.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

describe("renderers.ipynb in a real browser (Debian chromium + classic Jupyter Notebook)", () => {
  let server: JupyterServer;
  before(async () => {
    assert.ok(existsSync("/usr/bin/chromium"), "Debian's chromium is needed: apt-get install chromium (.ci/run installs it)");
    const directory = mkdtempSync(join(tmpdir(), "tskeras-renderers-ui-"));
    copyFileSync(join(repositoryRoot, "test/notebooks/renderers.ipynb"), join(directory, "renderers.ipynb"));
    symlinkSync(realFixturesDirectory, join(directory, "real"));
    server = await startNotebookServer(directory, kernelEnvironment());
  });
  after(async () => {
    await server?.stop();
  });

  it("runs all cells: the summary table, the variable-map tree and the SVG charts render, with no network access", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const outside: string[] = [];
      page.on("request", (request) => {
        const url = new URL(request.url());
        if (!["127.0.0.1", "localhost"].includes(url.hostname) && !["data:", "blob:"].includes(url.protocol)) outside.push(request.url());
      });
      await page.goto(`${server.url}/notebooks/renderers.ipynb?token=${server.token}`);
      await runAll(page);

      // The model's summary table: one row per layer with its parameter count, then the totals.
      const summary = page.locator(".output_html .tskeras-model-summary").first();
      const rows = await summary
        .locator("tr")
        .evaluateAll((elements) => elements.map((row) => [...row.querySelectorAll("td")].map((cell) => cell.textContent)));
      assert.deepEqual(rows.slice(1), [
        ["hidden (Dense)", "(None, 4)", "16"],
        ["scores (Dense)", "(None, 2)", "10"],
      ]);
      assert.match((await summary.textContent())!, /Total params: 26Trainable params: 26Non-trainable params: 0/);

      // The functional model's nested Sequential expands to its own table on click.
      const nested = page.locator(".output_html .tskeras-model-summary details").first();
      assert.equal(await nested.locator("td", { hasText: "encode (Dense)" }).isVisible(), false);
      await nested.locator("summary").click();
      assert.ok(await nested.locator("td", { hasText: "encode (Dense)" }).isVisible());
      assert.ok((await page.locator(".output_html .tskeras-model-summary", { hasText: "Optimizer: Adam, 9 variables, 53 values" }).count()) === 1);

      // The checkpoint's variable map: a tree of <details> by object path, open, with the slots marked.
      const tree = page.locator(".output_html .tskeras-variable-map").first();
      const groups = await tree.locator(":scope > details > summary > code").allTextContents();
      assert.ok(groups.includes("layer_with_weights-0") && groups.includes("optimizer"), groups.join(", "));
      const firstGroup = tree.locator(":scope > details").first();
      assert.equal(await firstGroup.evaluate((element) => (element as unknown as { open: boolean }).open), true);
      assert.ok(await firstGroup.locator("table").first().isVisible());
      await firstGroup.locator(":scope > summary").click();
      assert.equal(await firstGroup.evaluate((element) => (element as unknown as { open: boolean }).open), false, "a group collapses on click");
      assert.equal(await firstGroup.locator("table").first().isVisible(), false);
      await firstGroup.locator(":scope > summary").click();
      assert.ok((await tree.locator("text=slot optimizer/m").count()) >= 1);

      // The config tree.
      assert.ok((await page.locator(".output_html .tskeras-config details").count()) > 3);

      // Both plots (live plot and history.plot()) drawn as inline SVG: 4 curves each, with a legend.
      const plots = page.locator(".output_html .tskeras-plot");
      assert.equal(await plots.count(), 2);
      for (let index = 0; index < 2; index++) {
        assert.equal(await plots.nth(index).locator("g.trace polyline").count(), 4, `plot ${index}`);
        assert.ok((await plots.nth(index).locator("text.legend").allTextContents()).includes("val_loss"));
      }

      // The HTML progress bar finished in place.
      assert.equal(await page.locator(".output_html progress").getAttribute("value"), "4");

      // Error cells show one-line UsageErrors, and the last cell still ran.
      const errors = await page.locator(".output_error").allTextContents();
      assert.equal(errors.length, 4);
      assert.ok(
        errors.every((error) => error.trim().startsWith("UsageError: ")),
        errors.join("\n"),
      );
      const afterErrors = page.locator(".cell.code_cell", { hasText: "reloaded.countParams()" });
      assert.equal((await afterErrors.locator(".output_result, .output_text").last().textContent())?.trim(), "26");

      assert.deepEqual(outside, [], "nothing was fetched from outside localhost");
      mkdirSync(join(repositoryRoot, "test-output"), { recursive: true });
      // The classic Notebook scrolls inside its own panel, so each rich output gets its own picture too.
      await page.screenshot({ path: join(repositoryRoot, "test-output/renderers.png"), fullPage: true });
      await summary.screenshot({ path: join(repositoryRoot, "test-output/renderers-summary.png") });
      await tree.screenshot({ path: join(repositoryRoot, "test-output/renderers-variable-map.png") });
      await plots.nth(1).screenshot({ path: join(repositoryRoot, "test-output/renderers-history-plot.png") });
    } finally {
      await browser.close();
    }
  });
});
