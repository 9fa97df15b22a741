import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface CellReport {
  outcome:
    | { status: "ok"; result?: Record<string, unknown>; payload: Array<{ source: string; data: Record<string, string> }> }
    | { status: "error"; ename: string; evalue: string; traceback: string[] };
  outputs: Array<{ type: string; name?: string; text?: string; data?: Record<string, unknown>; prompt?: string }>;
}

const harness = fileURLToPath(new URL("./cell-harness.js", import.meta.url));

/** Runs cells in a fresh engine (in a child process) and returns each cell's outcome and outputs. */
export function runCells(
  cells: Array<string | { code: string; sigintAfterMs?: number; interruptAfterMs?: number }>,
  options: { workingDirectory?: string; inputs?: string[]; timeoutMs?: number } = {},
): CellReport[] {
  const request = {
    workingDirectory: options.workingDirectory ?? process.cwd(),
    cells: cells.map((cell) => (typeof cell === "string" ? { code: cell } : cell)),
    inputs: options.inputs,
  };
  const child = spawnSync(process.execPath, [harness, JSON.stringify(request)], {
    encoding: "utf8",
    timeout: options.timeoutMs ?? 60_000,
    // Plot displays embed plotly.js (megabytes); the 1 MiB default would cut the report.
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, TSKERAS_BACKEND: "cpu" },
  });
  if (child.status !== 0) throw new Error(`cell harness failed (${child.status ?? child.signal}):\n${child.stderr}\n${child.stdout}`);
  return JSON.parse(child.stdout) as CellReport[];
}

export function resultText(report: CellReport): string | undefined {
  return report.outcome.status === "ok" ? (report.outcome.result?.["text/plain"] as string | undefined) : undefined;
}

export function streamText(report: CellReport): string {
  return report.outputs
    .filter((output) => output.type === "stream")
    .map((output) => output.text)
    .join("");
}
