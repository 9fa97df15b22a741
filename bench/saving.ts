/**
 * Saving and loading a 29.4M-parameter Dense model (2048→4096→4096→1024, 117 MB of float32) in every
 * format, tskeras against Keras 3 (the test venv, when installed), in one run: milliseconds and the
 * peak RSS each operation adds on top of the RSS before it. Each side runs in its own process.
 * Usage: node dist/bench/saving.js
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

interface Report {
  version: string;
  parameters: number;
  operations: Record<string, { ms: number; peak_mb: number }>;
}

const root = fileURLToPath(new URL("../../", import.meta.url));
const python = join(process.env.TSKERAS_TEST_VENV ?? join(homedir(), ".cache/tskeras/test-venv"), "bin/python");
const directory = mkdtempSync(join(tmpdir(), "tskeras-bench-saving-"));

function runWorker(command: string, args: string[]): Report | string {
  const run = spawnSync(command, args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" } });
  try {
    return JSON.parse(run.stdout.trim().split("\n").pop() ?? "") as Report;
  } catch {
    return (run.stderr || run.stdout || String(run.error)).trim().split("\n").slice(-3).join(" ");
  }
}

try {
  const kerasReport = existsSync(python) ? runWorker(python, [join(root, "bench/saving/keras_worker.py"), directory]) : "no test venv";
  const tskerasReport = runWorker(process.execPath, [join(root, "dist/bench/saving/tskeras-worker.js"), directory]);
  if (typeof tskerasReport === "string") throw new Error(`the tskeras worker failed: ${tskerasReport}`);
  const keras = typeof kerasReport === "string" ? undefined : kerasReport;
  console.log(`Dense 2048→4096→4096→1024: ${tskerasReport.parameters.toLocaleString("en")} parameters, ${((tskerasReport.parameters * 4) / 1e6).toFixed(0)} MB float32; ${tskerasReport.version}${keras ? ` vs ${keras.version}` : ` (Keras: ${kerasReport})`}`);
  console.log(`${"operation".padEnd(26)} ${"Keras ms".padStart(9)} ${"tskeras ms".padStart(10)} ${"ratio".padStart(7)}   ${"Keras +RSS".padStart(10)} ${"tskeras +RSS".padStart(12)}`);
  for (const [name, ours] of Object.entries(tskerasReport.operations)) {
    const theirs = keras?.operations[name] ?? (name === "load Keras's .keras" ? keras?.operations["load .keras"] : undefined);
    const ratio = theirs ? `${(ours.ms / theirs.ms).toFixed(2)}×` : "—";
    const megabytes = (value?: number) => (value === undefined ? "—" : `${value.toFixed(0)} MB`);
    console.log(`${name.padEnd(26)} ${(theirs ? theirs.ms.toFixed(0) : "—").padStart(9)} ${ours.ms.toFixed(0).padStart(10)} ${ratio.padStart(7)}   ${megabytes(theirs?.peak_mb).padStart(10)} ${megabytes(ours.peak_mb).padStart(12)}`);
  }
  console.log("ratio = tskeras ms ÷ Keras ms (below 1 is faster); +RSS = peak RSS during the operation above the RSS before it.");
} finally {
  rmSync(directory, { recursive: true, force: true });
}
