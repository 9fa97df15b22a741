import { randomUUID } from "node:crypto";
import { readFileSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createEngine } from "../engine/create.js";
import { joinSource, type CodeCell, type Notebook } from "./notebook-format.js";
import { OutputCollector } from "./output-collector.js";
import { cellMarkers } from "./check/cell-markers.js";
import { injectParameters, type ParameterValue } from "./parameters.js";
import { kernelLanguageInfo } from "../engine/language-info.js";

export interface RunNotebookOptions {
  /** Leave cells marked `nbval-skip` unexecuted, keeping their outputs (for --check / --update). */
  honorSkip?: boolean;
  /** `-p NAME VALUE` pairs, injected papermill-style as a typed cell tagged `injected-parameters`. */
  parameters?: Array<[string, ParameterValue]>;
}

export interface NotebookRunResult {
  notebook: Notebook;
  /** Index (0-based, among all cells) of the first failing cell not tagged `raises-exception`. */
  failedCell: number | undefined;
}

function progress(line: string): void {
  // Cell output is captured from process.stdout, so the runner's own lines go to the descriptor.
  writeSync(2, `${line}\n`);
}

function preview(source: string): string {
  const firstLine = source.split("\n").find((line) => line.trim() !== "") ?? "";
  return firstLine.length > 60 ? `${firstLine.slice(0, 57)}...` : firstLine;
}

/**
 * Executes a notebook in this process, cell by cell, with the same engine the kernel uses. The
 * working directory is the notebook's folder, as with a Jupyter kernel. Stops at the first error
 * unless the cell is tagged `raises-exception` (nbconvert's and nbval's convention; nbval's
 * `nbval-raises-exception` and a first-line `// NBVAL_RAISES_EXCEPTION` count too).
 */
export async function runNotebook(path: string, options: RunNotebookOptions = {}): Promise<NotebookRunResult> {
  const absolutePath = resolve(path);
  const notebook = JSON.parse(readFileSync(absolutePath, "utf8")) as Notebook;
  if (notebook.nbformat !== 4)
    throw new Error(
      `${path} is nbformat ${notebook.nbformat}; the runner reads nbformat 4 notebooks. Convert it with: jupyter nbconvert --to notebook --nbformat 4 ${path}`,
    );
  if (options.parameters?.length) for (const warning of await injectParameters(notebook, options.parameters)) progress(`warning: ${warning}`);
  const directory = dirname(absolutePath);
  process.chdir(directory);
  const collector = new OutputCollector();
  const engine = createEngine({
    workingDirectory: directory,
    outputs: {
      stream: (name, text) => collector.stream(name, text),
      displayData: (data, metadata, transient, update) => collector.displayData(data, metadata, transient, update),
      clearOutput: (wait) => collector.clearOutput(wait),
      input: () => {
        throw new Error(
          "This cell asks for input, but the headless runner has no one to ask. Run the notebook in Jupyter, or replace prompt()/input() with a value.",
        );
      },
    },
  });
  notebook.nbformat_minor = Math.max(notebook.nbformat_minor, 5);
  notebook.metadata = {
    ...notebook.metadata,
    kernelspec: { name: "tskeras", display_name: "TypeScript (tskeras)", language: "typescript" },
    language_info: kernelLanguageInfo(),
  };
  let executionCount = 0;
  let failedCell: number | undefined;
  const codeCells = notebook.cells.filter((cell) => cell.cell_type === "code").length;
  for (const [index, cell] of notebook.cells.entries()) {
    cell.id ??= randomUUID().slice(0, 8);
    if (cell.cell_type !== "code") continue;
    const codeCell = cell as CodeCell;
    const source = joinSource(codeCell.source);
    const markers = cellMarkers(codeCell);
    if (options.honorSkip && markers.skip) {
      progress(`[-/${codeCells}] skip   ${preview(source)} (nbval-skip)`);
      continue;
    }
    if (failedCell !== undefined) {
      codeCell.outputs = [];
      codeCell.execution_count = null;
      continue;
    }
    codeCell.outputs = collector.startCell();
    codeCell.execution_count = ++executionCount;
    const started = performance.now();
    const outcome = await engine.execute(source, { silent: false, storeHistory: true, executionCount });
    // Output a cell scheduled for its last moment (a resolved promise's callback) still belongs to it.
    await new Promise((resolve) => setImmediate(resolve));
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (outcome.status === "ok") {
      if (outcome.result) collector.executeResult(outcome.result, executionCount);
      for (const page of outcome.payload as Array<{ source?: string; data?: Record<string, unknown> }>) {
        if (page.source === "page" && page.data) collector.displayData(page.data, {}, {}, false);
      }
      progress(`[${executionCount}/${codeCells}] ok     ${seconds}s  ${preview(source)}`);
    } else {
      collector.error(outcome.ename, outcome.evalue, outcome.traceback);
      const expected = markers.raisesException;
      progress(
        `[${executionCount}/${codeCells}] ${expected ? "raised" : "FAILED"} ${seconds}s  ${preview(source)}${expected ? " (tagged raises-exception)" : `\n    ${outcome.ename}: ${outcome.evalue.split("\n")[0]}`}`,
      );
      if (!expected) failedCell = index;
    }
  }
  return { notebook, failedCell };
}
