/**
 * Saving and loading a 29.4M-parameter Dense model (2048→4096→4096→1024, 117 MB of float32) in every
 * format, tskeras against Keras 3 (the test venv, when installed), in one run: milliseconds, their
 * ratio, and the peak RSS each operation adds on top of the RSS before it. Every operation runs in a
 * fresh process (so one operation's memory never hides another's), Keras's and tskeras's in turn,
 * for several rounds (the machine's load drifts; the median of each is shown).
 * Usage: node dist/bench/saving.js [ROUNDS]   (default 3; or TSKERAS_BENCH_ROUNDS)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, homedir, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

interface Measurement {
  version: string;
  ms: number;
  peak_mb: number;
}

const root = fileURLToPath(new URL("../../", import.meta.url));
const python = join(process.env.TSKERAS_TEST_VENV ?? join(homedir(), ".cache/tskeras/test-venv"), "bin/python");
const rounds = Number(process.argv[2] ?? process.env.TSKERAS_BENCH_ROUNDS ?? 3);
const directory = mkdtempSync(join(tmpdir(), "tskeras-bench-saving-"));
const widths = [2048, 4096, 4096, 1024];
const parameters = widths.slice(1).reduce((total, width, index) => total + widths[index]! * width + width, 0);

/** Operations in the order they run (a load reads what the save before it wrote); Keras has no row of its own for loading its file. */
const operations = [
  "save .keras",
  "load .keras",
  "load Keras's .keras",
  "save .h5",
  "load .h5",
  "save_weights .weights.h5",
  "load_weights .weights.h5",
  "TF checkpoint save",
  "TF checkpoint restore",
];
const kerasOperation = (name: string) => (name === "load Keras's .keras" ? undefined : name);

function runWorker(command: string, args: string[]): Measurement | string {
  const run = spawnSync(command, args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" } });
  try {
    return JSON.parse(run.stdout.trim().split("\n").pop() ?? "") as Measurement;
  } catch {
    return (run.stderr || run.stdout || String(run.error)).trim().split("\n").slice(-3).join(" ");
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

try {
  const hasKeras = existsSync(python);
  const ours = new Map<string, Measurement[]>(operations.map((name) => [name, []]));
  const theirs = new Map<string, Measurement[]>(operations.map((name) => [name, []]));
  let kerasProblem = hasKeras ? "" : "no test venv";
  const versions = { tskeras: "", keras: "" };
  const load = [loadavg()[0]!];
  for (let round = 0; round < rounds; round++) {
    for (const name of operations) {
      const runKeras = () => {
        const operation = kerasOperation(name);
        if (!hasKeras || !operation) return;
        const result = runWorker(python, [join(root, "bench/saving/keras_worker.py"), directory, operation]);
        if (typeof result === "string") kerasProblem = result;
        else {
          theirs.get(name)!.push(result);
          versions.keras = result.version;
        }
      };
      const runTskeras = () => {
        const result = runWorker(process.execPath, [join(root, "dist/bench/saving/tskeras-worker.js"), directory, name]);
        if (typeof result === "string") throw new Error(`the tskeras worker failed on "${name}": ${result}`);
        ours.get(name)!.push(result);
        versions.tskeras = result.version;
      };
      // Keras first in even rounds, tskeras first in odd ones; Keras's .keras must exist before tskeras loads it.
      if (round % 2 === 0 || name === "load Keras's .keras") {
        runKeras();
        runTskeras();
      } else {
        runTskeras();
        runKeras();
      }
    }
    load.push(loadavg()[0]!);
  }
  console.log(
    `Dense ${widths.join("→")}: ${parameters.toLocaleString("en")} parameters, ${((parameters * 4) / 1e6).toFixed(0)} MB float32; ${versions.tskeras}${versions.keras ? ` vs ${versions.keras}` : ` (Keras: ${kerasProblem})`}`,
  );
  console.log(
    `Median of ${rounds} round(s), each operation in a fresh process; load average ${load.map((value) => value.toFixed(1)).join(" → ")} on ${availableParallelism()} cores.`,
  );
  console.log(
    `${"operation".padEnd(26)} ${"Keras ms".padStart(9)} ${"tskeras ms".padStart(10)} ${"ratio".padStart(7)}   ${"Keras +RSS".padStart(10)} ${"tskeras +RSS".padStart(12)}   targets`,
  );
  const kerasLoad = theirs.get("load .keras")!;
  // Issue 17's targets: at or below Keras's time, and at most twice the model's size above the RSS before the operation.
  const modelMegabytes = (parameters * 4) / 2 ** 20;
  const misses: string[] = [];
  for (const name of operations) {
    const mine = ours.get(name)!;
    const baseline = name === "load Keras's .keras" ? kerasLoad : theirs.get(name)!;
    const ms = median(mine.map((entry) => entry.ms));
    const theirMs = baseline.length ? median(baseline.map((entry) => entry.ms)) : undefined;
    const megabytes = (entries: Measurement[]) => (entries.length ? `${median(entries.map((entry) => entry.peak_mb)).toFixed(0)} MiB` : "—");
    // Paired: each round's tskeras time over the Keras time measured next to it, then the median.
    const pairs = mine.length === baseline.length ? mine.map((entry, index) => entry.ms / baseline[index]!.ms) : [];
    const ratio = pairs.length ? `${median(pairs).toFixed(2)}×` : "—";
    const peak = median(mine.map((entry) => entry.peak_mb));
    const fast = pairs.length ? median(pairs) <= 1 : undefined;
    const small = peak <= 2 * modelMegabytes;
    if (fast === false) misses.push(`${name} (time)`);
    if (!small) misses.push(`${name} (memory)`);
    const verdict = `${fast === undefined ? "time ?" : fast ? "time ok" : "TIME MISSED"}, ${small ? "memory ok" : "MEMORY MISSED"}`;
    console.log(
      `${name.padEnd(26)} ${(theirMs === undefined ? "—" : theirMs.toFixed(0)).padStart(9)} ${ms.toFixed(0).padStart(10)} ${ratio.padStart(7)}   ${megabytes(baseline).padStart(10)} ${megabytes(mine).padStart(12)}   ${verdict}`,
    );
  }
  console.log('ratio = median over rounds of tskeras ms ÷ Keras ms (below 1 is faster; "load Keras\'s .keras" is compared with Keras loading its own file);');
  console.log(`+RSS = peak RSS during the operation above the RSS just before it (MiB; the model itself is ${modelMegabytes.toFixed(0)} MiB).`);
  console.log(
    `Targets (issue 17): ratio ≤ 1.00 and +RSS ≤ ${(2 * modelMegabytes).toFixed(0)} MiB (twice the model). ${
      misses.length ? `Missed: ${misses.join(", ")}.` : `All ${operations.length} rows meet both.`
    }`,
  );
} finally {
  rmSync(directory, { recursive: true, force: true });
}
