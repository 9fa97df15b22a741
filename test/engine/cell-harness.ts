/**
 * Runs cells through a fresh engine in this process and prints one JSON report on fd 1.
 * The engine captures process.stdout (cell output), so engine tests run it here, in a child process,
 * instead of inside the test runner's own process.
 *
 * Input (argv[2]): JSON `{ workingDirectory, cells: [{ code, sigintAfterMs?, interruptAfterMs?, silent? }] }`.
 */
import { spawn } from "node:child_process";
import { writeSync } from "node:fs";
import { createEngine } from "../../kernel/engine/create.js";

interface CellRequest {
  code: string;
  sigintAfterMs?: number;
  interruptAfterMs?: number;
  silent?: boolean;
}

const request = JSON.parse(process.argv[2]!) as { workingDirectory: string; cells: CellRequest[]; inputs?: string[] };
const outputs: unknown[][] = [];
// A kernel starts in the notebook's folder (Jupyter sets its working directory); so does the harness.
process.chdir(request.workingDirectory);
let current: unknown[] = [];
const inputs = [...(request.inputs ?? [])];
const engine = createEngine({
  workingDirectory: request.workingDirectory,
  outputs: {
    stream: (name, text) => current.push({ type: "stream", name, text }),
    displayData: (data, metadata, transient, update) => current.push({ type: "display", data, metadata, transient, update }),
    clearOutput: (wait) => current.push({ type: "clear", wait }),
    input: (prompt) => {
      current.push({ type: "input", prompt });
      return inputs.shift() ?? "";
    },
  },
});
const results = [];
let count = 0;
for (const cell of request.cells) {
  current = [];
  if (cell.sigintAfterMs !== undefined) {
    // A separate process sends the signal, as Jupyter does, so it arrives while the cell blocks.
    spawn("/bin/sh", ["-c", `sleep ${cell.sigintAfterMs / 1000}; kill -INT ${process.pid}`], { stdio: "ignore" });
  }
  if (cell.interruptAfterMs !== undefined) setTimeout(() => engine.interrupt(), cell.interruptAfterMs);
  const outcome = await engine.execute(cell.code, { silent: cell.silent ?? false, storeHistory: true, executionCount: ++count });
  // Let output scheduled by the cell's last microtasks arrive before the report is taken.
  await new Promise((resolve) => setImmediate(resolve));
  results.push({ outcome, outputs: current });
}
outputs.push(results);
// A pipe takes a large report in pieces (plot displays embed plotly.js): write until all of it is out.
const report = Buffer.from(JSON.stringify(results));
for (let written = 0; written < report.length; ) {
  try {
    written += writeSync(1, report, written);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
  }
}
process.exit(0);
