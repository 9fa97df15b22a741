import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";

/**
 * Driving a notebook in JupyterLab 4 or Notebook 7 (both are built from Lab's components, so the
 * same DOM classes and menus work in each).
 */

/** User settings both apps read from JUPYTERLAB_SETTINGS_DIR: the theme, every cell rendered, no news. */
export function writeLabSettings(settingsDirectory: string, theme: "light" | "dark"): void {
  const write = (plugin: string, file: string, value: unknown) => {
    mkdirSync(join(settingsDirectory, plugin), { recursive: true });
    writeFileSync(join(settingsDirectory, plugin, file), JSON.stringify(value));
  };
  write("@jupyterlab/apputils-extension", "themes.jupyterlab-settings", { theme: theme === "dark" ? "JupyterLab Dark" : "JupyterLab Light" });
  write("@jupyterlab/apputils-extension", "notification.jupyterlab-settings", { fetchNews: "false", checkForUpdates: false });
  // Cells off screen stay in the DOM, so every output can be checked without scrolling.
  write("@jupyterlab/notebook-extension", "tracker.jupyterlab-settings", { windowingMode: "none" });
}

/**
 * Waits until the server has a tskeras kernel for the notebook, idle, and the page shows it idle.
 * (The page's indicator alone can read "idle" before any kernel is attached; running cells then
 * opens Lab's "Select Kernel" dialog.)
 */
export async function waitForIdleKernel(page: Page, server: { url: string; token: string }): Promise<void> {
  await page.waitForSelector(".jp-Notebook .jp-Cell", { timeout: 90_000 });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const sessions = (await (await page.request.get(`${server.url}/api/sessions?token=${server.token}`)).json()) as Array<{
      kernel?: { name: string; execution_state: string };
    }>;
    if (sessions.some((session) => session.kernel?.name === "tskeras" && session.kernel.execution_state === "idle")) break;
    if (Date.now() > deadline) throw new Error(`no idle tskeras kernel after 120 s: ${JSON.stringify(sessions)}`);
    await page.waitForTimeout(500);
  }
  await page.waitForFunction(`document.querySelector(".jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") === "idle"`, undefined, {
    timeout: 90_000,
    polling: 250,
  });
}

/** Clicks a top menu item, then an entry of its menu. */
async function menu(page: Page, top: string, entry: string): Promise<void> {
  await page.locator(".lm-MenuBar-itemLabel", { hasText: new RegExp(`^${top}$`) }).click();
  await page
    .locator(".lm-Menu-itemLabel", { hasText: new RegExp(`^${entry}$`) })
    .first()
    .click();
}

/** Run → Run All Cells, then waits until every code cell has an execution count and the kernel is idle. */
export async function runAllCells(page: Page): Promise<void> {
  await menu(page, "Run", "Run All Cells");
  await page.waitForFunction(
    `(() => {
      const prompts = [...document.querySelectorAll(".jp-CodeCell .jp-InputArea-prompt")].map((prompt) => prompt.textContent ?? "");
      const idle = document.querySelector(".jp-Notebook-ExecutionIndicator")?.getAttribute("data-status") === "idle";
      return idle && prompts.length > 0 && prompts.every((prompt) => /\\[\\d+\\]/.test(prompt));
    })()`,
    undefined,
    { timeout: 240_000, polling: 500 },
  );
}

/**
 * The notebook toolbar's save button (both apps have it), until the server has the outputs on disk.
 * Checked every few seconds only (reading the whole notebook repeatedly slows the save down); a
 * click that lands while the app is still busy is repeated.
 */
export async function saveNotebook(page: Page, contentsUrl: string, minimumOutputs: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  let outputs = 0;
  while (Date.now() < deadline) {
    await page.locator('.jp-NotebookPanel-toolbar [data-command="docmanager:save"]').first().click();
    await page.waitForTimeout(4000);
    const model = (await (await page.request.get(`${contentsUrl}&content=1`)).json()) as { content?: { cells: Array<{ outputs?: unknown[] }> } };
    outputs = (model.content?.cells ?? []).reduce((sum, cell) => sum + (cell.outputs?.length ?? 0), 0);
    if (outputs >= minimumOutputs) return;
  }
  assert.fail(`the saved notebook has ${outputs} outputs, expected at least ${minimumOutputs}`);
}

/**
 * WCAG contrast ratio between an element's text colour and the colour behind it (its own and its
 * ancestors' backgrounds composited over the page, translucent layers included).
 */
export async function contrastOf(page: Page, selector: string): Promise<{ ratio: number; text: string; background: string }> {
  // Runs in the page (this project compiles without DOM types, so the code is a string).
  return page.evaluate(`(() => {
    const element = document.querySelector(${JSON.stringify(selector)});
    if (!element) throw new Error("nothing matches " + ${JSON.stringify(selector)});
    const parse = (colour) => {
      const match = /rgba?\\(([^)]+)\\)/.exec(colour);
      if (!match) return [0, 0, 0, 0];
      const parts = match[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
      return [parts[0], parts[1], parts[2], parts[3] ?? 1];
    };
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const background = parse(getComputedStyle(node).backgroundColor);
      if (background[3] > 0) layers.push(background);
      if (background[3] >= 1) break;
    }
    // Composite from the bottom up (white when nothing is opaque, as a browser's default page).
    let colour = [255, 255, 255];
    for (const [red, green, blue, alpha] of layers.reverse()) colour = [red * alpha + colour[0] * (1 - alpha), green * alpha + colour[1] * (1 - alpha), blue * alpha + colour[2] * (1 - alpha)];
    const text = parse(getComputedStyle(element).color).slice(0, 3);
    const luminance = (rgb) => {
      const linear = rgb.map((channel) => {
        const value = channel / 255;
        return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
    };
    const [lighter, darker] = [luminance(text), luminance(colour)].sort((a, b) => b - a);
    return { ratio: (lighter + 0.05) / (darker + 0.05), text: "rgb(" + text.join(",") + ")", background: "rgb(" + colour.map(Math.round).join(",") + ")" };
  })()`);
}
