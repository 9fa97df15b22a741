import type { Page } from "playwright-core";

/** Runs every cell of the open classic-Notebook page and waits until the kernel has answered all. */
export async function runAll(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const jupyter = (globalThis as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
      return jupyter?.notebook?.kernel?.is_connected() === true;
    },
    undefined,
    { timeout: 90_000 },
  );
  await page.evaluate(() => (globalThis as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells());
  await page.waitForFunction(
    () => {
      const cells = (
        globalThis as unknown as { Jupyter: { notebook: { get_cells(): Array<{ cell_type: string; input_prompt_number?: number | string | null }> } } }
      ).Jupyter.notebook.get_cells();
      return cells.every((cell) => cell.cell_type !== "code" || typeof cell.input_prompt_number === "number");
    },
    undefined,
    { timeout: 180_000, polling: 250 },
  );
}
