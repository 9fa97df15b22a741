/**
 * Runs one notebook in this process (a fresh process per notebook keeps their global state apart).
 * Usage: node child.js JOB_JSON, where JOB_JSON is a ChildJob.
 * Exit code: 0 when every cell ran (or raised as marked), 1 when a cell failed, 2 on bad input.
 */
import { basename } from "node:path";
import { writeSync } from "node:fs";
import { writeFileAtomic } from "../../lib/io/atomic-file.js";
import { notebookToHtml } from "./html-report.js";
import { serializeNotebook } from "./notebook-format.js";
import { runNotebook, type RunNotebookOptions } from "./run-notebook.js";

export interface ChildJob extends RunNotebookOptions {
  notebook: string;
  output: string;
  html?: string;
}

let job: ChildJob;
try {
  job = JSON.parse(process.argv[2] ?? "") as ChildJob;
  if (!job.notebook || !job.output) throw new Error("missing notebook or output");
} catch (error) {
  writeSync(2, `usage: child.js JOB_JSON (${(error as Error).message})\n`);
  process.exit(2);
}
try {
  const { notebook, failedCell } = await runNotebook(job.notebook, job);
  writeFileAtomic(job.output, serializeNotebook(notebook));
  if (job.html) writeFileAtomic(job.html, notebookToHtml(notebook, basename(job.notebook, ".ipynb")));
  process.exit(failedCell === undefined ? 0 : 1);
} catch (error) {
  writeSync(2, `tskeras run: ${job.notebook}: ${(error as Error).message}\n`);
  process.exit(2);
}
