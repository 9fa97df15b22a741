import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { kernelEnvironment, repositoryRoot } from "../support/kernelspec.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";
import { launchChromium } from "./browser.js";
import { startVenvJupyter, type JupyterServer } from "./jupyter-server.js";
import { contrastOf, runAllCells, saveNotebook, waitForIdleKernel, writeLabSettings } from "./lab-page.js";

const screenshots = join(repositoryRoot, "test-output", "frontends");

/**
 * The DOM checks every view of the executed renderers notebook must pass: what a user sees in the
 * summary table, the trees and the plots, in the current theme.
 */
async function checkRenderedOutputs(page: Page, label: string, theme: "light" | "dark"): Promise<void> {
  // The summary table: rows, and a header readable against what is behind it.
  const summary = page.locator(".tskeras-model-summary").first();
  await summary.waitFor({ timeout: 60_000 });
  const rows = await summary
    .locator("tr")
    .evaluateAll((elements) =>
      elements.map((row) =>
        [...(row as unknown as { querySelectorAll(s: string): Array<{ textContent: string }> }).querySelectorAll("td")].map((cell) => cell.textContent),
      ),
    );
  assert.deepEqual(
    rows.slice(1),
    [
      ["hidden (Dense)", "(None, 4)", "16"],
      ["scores (Dense)", "(None, 2)", "10"],
    ],
    label,
  );
  const header = await contrastOf(page, ".tskeras-model-summary th");
  assert.ok(header.ratio >= 4.5, `${label}: summary header text ${header.text} on ${header.background} has contrast ${header.ratio.toFixed(2)} < 4.5`);
  const cell = await contrastOf(page, ".tskeras-model-summary td");
  assert.ok(cell.ratio >= 4.5, `${label}: summary cell contrast ${cell.ratio.toFixed(2)}`);

  // The variable map and config trees: named nodes, not Lab's raw JSON viewer.
  const groups = await page.locator(".tskeras-variable-map").first().locator(":scope > details > summary > code").allTextContents();
  assert.ok(groups.includes("layer_with_weights-0") && groups.includes("optimizer"), `${label}: ${groups.join(", ")}`);
  assert.ok((await page.locator(".tskeras-config details").count()) > 3, `${label}: config tree`);
  assert.equal(await page.locator(".jp-RenderedJSON").count(), 1, `${label}: only display.json() uses the JSON viewer`);

  // Both plots (live fit plot and history.plot()) drawn: four curves each, text readable, no white box.
  const plots = page.locator(".tskeras-plot");
  assert.equal(await plots.count(), 2, `${label}: two plots`);
  for (let index = 0; index < 2; index++) {
    const plot = plots.nth(index);
    assert.equal(await plot.locator("g.trace polyline").count(), 4, `${label}: plot ${index} curves`);
    assert.equal(await plot.locator("g.trace").nth(0).locator("circle").count(), 4, `${label}: one marker per epoch`);
    const ticks = await plot.locator("g.panel").first().locator("text[text-anchor=middle][font-size='11']").allTextContents();
    assert.deepEqual(ticks, ["1", "2", "3", "4"], `${label}: whole-epoch ticks`);
  }
  const plotText = await contrastOf(page, ".tskeras-plot");
  assert.ok(plotText.ratio >= 4.5, `${label}: plot text ${plotText.text} on ${plotText.background}: ${plotText.ratio.toFixed(2)}`);
  const backgroundLightness = Number(/rgb\((\d+)/.exec(plotText.background)![1]);
  if (theme === "dark") assert.ok(backgroundLightness < 100, `${label}: the plot sits on the dark page (${plotText.background}), not a white box`);
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  const summary = page.locator(".tskeras-model-summary").first();
  await summary.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshots, `${name}-summary.png`) });
  const plot = page.locator(".tskeras-plot").last();
  await plot.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshots, `${name}-plot.png`) });
  await page
    .locator(".tskeras-variable-map")
    .first()
    .screenshot({ path: join(screenshots, `${name}-variable-map.png`) });
}

for (const app of ["lab", "notebook"] as const) {
  const title = app === "lab" ? "JupyterLab 4" : "Notebook 7";
  describe(`renderers.ipynb in ${title} (venv) with Debian chromium, light and dark theme`, () => {
    let server: JupyterServer;
    let settings: string;
    before(async () => {
      assert.ok(existsSync("/usr/bin/chromium"), "Debian's chromium is needed: apt-get install chromium (.ci/run installs it)");
      const directory = mkdtempSync(join(tmpdir(), `tskeras-${app}-ui-`));
      copyFileSync(join(repositoryRoot, "test/notebooks/renderers.ipynb"), join(directory, "renderers.ipynb"));
      symlinkSync(realFixturesDirectory, join(directory, "real"));
      const environment = kernelEnvironment();
      settings = join(environment.JUPYTER_CONFIG_DIR!, "lab", "user-settings");
      writeLabSettings(settings, "light");
      server = await startVenvJupyter(app, directory, {
        ...environment,
        JUPYTERLAB_SETTINGS_DIR: settings,
        JUPYTERLAB_WORKSPACES_DIR: join(environment.JUPYTER_CONFIG_DIR!, "lab", "workspaces"),
      });
    });
    after(async () => {
      await server?.stop();
    });

    it("runs every cell, saves, and after a reload every output is still drawn; dark theme keeps it readable", async () => {
      const browser = await launchChromium();
      const page = await browser.newPage();
      try {
        const outside: string[] = [];
        page.on("request", (request) => {
          const url = new URL(request.url());
          if (!["127.0.0.1", "localhost"].includes(url.hostname) && !["data:", "blob:"].includes(url.protocol)) outside.push(request.url());
        });
        const notebookUrl =
          app === "lab"
            ? `${server.url}/lab/tree/renderers.ipynb?reset&token=${server.token}`
            : `${server.url}/notebooks/renderers.ipynb?token=${server.token}`;
        // The launcher's icon: the logos `tskeras install` put beside kernel.json.
        const specs = (await (await page.request.get(`${server.url}/api/kernelspecs?token=${server.token}`)).json()) as {
          kernelspecs: Record<string, { resources: Record<string, string> }>;
        };
        assert.deepEqual(Object.keys(specs.kernelspecs.tskeras!.resources).sort(), ["logo-32x32", "logo-64x64", "logo-svg"]);
        await page.goto(notebookUrl);
        await waitForIdleKernel(page, server);
        await runAllCells(page);
        await checkRenderedOutputs(page, `${title} light, live`, "light");
        await saveNotebook(page, `${server.url}/api/contents/renderers.ipynb?token=${server.token}`, 40);

        await page.reload();
        await waitForIdleKernel(page, server);
        await checkRenderedOutputs(page, `${title} light, reloaded`, "light");
        await screenshot(page, `${app}-light`);

        writeLabSettings(settings, "dark");
        await page.reload();
        await waitForIdleKernel(page, server);
        await page.waitForFunction(`document.body.dataset.jpThemeLight === "false"`, undefined, { timeout: 30_000 });
        await checkRenderedOutputs(page, `${title} dark, reloaded`, "dark");
        await screenshot(page, `${app}-dark`);
        writeLabSettings(settings, "light");

        assert.deepEqual(outside, [], "nothing was fetched from outside localhost");
      } catch (error) {
        mkdirSync(screenshots, { recursive: true });
        await page.screenshot({ path: join(screenshots, `${app}-failure.png`) }).catch(() => {});
        throw new Error(`${(error as Error).message}\n--- server log (end) ---\n${server.log().slice(-3000)}`, { cause: error });
      } finally {
        await browser.close();
      }
    });
  });
}
