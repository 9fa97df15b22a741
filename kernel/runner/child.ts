/**
 * Runs one notebook in this process (a fresh process per notebook keeps their global state apart).
 * Usage: node child.js NOTEBOOK OUTPUT_IPYNB [OUTPUT_HTML]
 * Exit code: 0 when every cell ran (or raised as tagged), 1 when a cell failed, 2 on bad input.
 */
import { basename } from "node:path";
import { writeSync } from "node:fs";
import { writeFileAtomic } from "../../lib/io/atomic-file.js";
import { notebookToHtml } from "./html-report.js";
import { runNotebook } from "./run-notebook.js";

const [notebookPath, outputPath, htmlPath] = process.argv.slice(2);
if (!notebookPath || !outputPath) {
  writeSync(2, "usage: child.js NOTEBOOK OUTPUT_IPYNB [OUTPUT_HTML]\n");
  process.exit(2);
}
try {
  const { notebook, failedCell } = await runNotebook(notebookPath);
  writeFileAtomic(outputPath, `${JSON.stringify(notebook, null, 1)}\n`);
  if (htmlPath) writeFileAtomic(htmlPath, notebookToHtml(notebook, basename(notebookPath, ".ipynb")));
  process.exit(failedCell === undefined ? 0 : 1);
} catch (error) {
  writeSync(2, `tskeras run: ${notebookPath}: ${(error as Error).message}\n`);
  process.exit(2);
}
