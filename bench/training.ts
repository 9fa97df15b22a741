/**
 * Training throughput, all engines in one run: the MNIST MLP (784→512 relu → Dropout 0.2 → 10 logits)
 * and the small CNN (Conv2D 32 3×3 relu → MaxPool → Flatten → Dense 10 on 28×28×1), Adam, cross-entropy
 * from logits, batch 32, random data. Each engine trains in its own process (thread settings are read
 * at start-up): tskeras on wasm (its default fused step; with compile's runEagerly, i.e. tfjs's own
 * optimizer ops; with tfjs's own BatchMatMul, MLP only), tskeras on the native TensorFlow backend when
 * built (1 TF thread, the default, and 2), Keras/TF from the test venv (1 thread) and PyTorch
 * (1 thread) when a Python has it. The engines run in turn, twice over (A B C … A B C …), so a
 * machine whose load drifts affects all alike. Prints samples/s (median of the timed epochs, after a
 * warm-up), samples per CPU-second (what other processes' load changes least, for one-thread engines),
 * and the ratios of both to PyTorch and Keras, with the machine's load average.
 * Usage: node dist/bench/training.js [mlp|cnn]   (PyTorch's Python: TSKERAS_BENCH_TORCH_PYTHON;
 * TSKERAS_BENCH_ROUNDS: how many turns, default 2)
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, homedir, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readNativeBuildRecord } from "../lib/backend/native-location.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const worker = join(root, "dist/bench/training/tskeras-worker.js");
const venvPython = join(process.env.TSKERAS_TEST_VENV ?? join(homedir(), ".cache/tskeras/test-venv"), "bin/python");
const settings = { mlp: { samples: 2048, epochs: 3 }, cnn: { samples: 1024, epochs: 3 } } as const;

interface Engine {
  name: string;
  command: string;
  args: (model: string, samples: number, epochs: number) => string[];
  environment?: NodeJS.ProcessEnv;
  only?: string;
}

function pythonWith(module: string, candidates: (string | undefined)[]): string | undefined {
  for (const python of candidates) {
    if (!python || (python.includes("/") && !existsSync(python))) continue;
    if (spawnSync(python, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0) return python;
  }
  return undefined;
}

const engines: Engine[] = [
  { name: "tskeras wasm", command: process.execPath, args: (...a) => [worker, ...a.map(String)], environment: { TSKERAS_BACKEND: "wasm" } },
  {
    name: "tskeras wasm, runEagerly",
    command: process.execPath,
    args: (...a) => [worker, ...a.map(String), "--run-eagerly"],
    environment: { TSKERAS_BACKEND: "wasm" },
  },
  {
    name: "tskeras wasm, tfjs's BatchMatMul",
    command: process.execPath,
    args: (...a) => [worker, ...a.map(String), "--tfjs-batch-matmul"],
    environment: { TSKERAS_BACKEND: "wasm" },
    only: "mlp",
  },
];
const native = readNativeBuildRecord("cpu") ?? readNativeBuildRecord("gpu");
if (native) {
  engines.push({
    name: "tskeras native, 1 thread",
    command: process.execPath,
    args: (...a) => [worker, ...a.map(String)],
    environment: { TSKERAS_BACKEND: "tensorflow", TF_NUM_INTRAOP_THREADS: "1", TF_NUM_INTEROP_THREADS: "1" },
  });
  engines.push({
    name: "tskeras native, 2 threads",
    command: process.execPath,
    args: (...a) => [worker, ...a.map(String)],
    environment: { TSKERAS_BACKEND: "tensorflow", TF_NUM_INTRAOP_THREADS: "2", TF_NUM_INTEROP_THREADS: "2" },
  });
}
const kerasPython = pythonWith("tensorflow, keras", [venvPython]);
if (kerasPython)
  engines.push({
    name: "Keras/TF model.fit, 1 thread",
    command: kerasPython,
    args: (...a) => [join(root, "bench/training/keras_worker.py"), ...a.map(String), "1"],
  });
const torchPython = pythonWith("torch", [process.env.TSKERAS_BENCH_TORCH_PYTHON, venvPython, "/usr/bin/python3"]);
if (torchPython)
  engines.push({
    name: "PyTorch, 1 thread",
    command: torchPython,
    args: (...a) => [join(root, "bench/training/torch_worker.py"), ...a.map(String), "1"],
    environment: { OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" },
  });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rounds = Number(process.env.TSKERAS_BENCH_ROUNDS ?? 2);
const models = process.argv.slice(2).filter((name) => name in settings);
for (const model of (models.length ? models : Object.keys(settings)) as (keyof typeof settings)[]) {
  const { samples, epochs } = settings[model];
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(", ");
  console.log(
    `\n${model === "mlp" ? "MNIST MLP 784→512→10" : "CNN Conv2D 32 3×3 → MaxPool → Dense 10"}, batch 32, ${samples} samples × ${epochs} timed epochs × ${rounds} rounds; load average before: ${load} (${availableParallelism()} cores)`,
  );
  const selected = engines.filter((candidate) => !candidate.only || candidate.only === model);
  const results = new Map<string, { version: string; rates: number[]; cpuRates: number[]; error?: string }>();
  for (let round = 0; round < rounds; round++) {
    for (const engine of selected) {
      const run = spawnSync(engine.command, engine.args(model, samples, epochs), {
        encoding: "utf8",
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3", ...engine.environment },
      });
      const entry = results.get(engine.name) ?? { version: "", rates: [], cpuRates: [] };
      try {
        const result = JSON.parse(run.stdout.trim().split("\n").pop() ?? "") as { version: string; rates: number[]; cpuRates?: number[] };
        entry.version = result.version;
        entry.rates.push(...result.rates);
        entry.cpuRates.push(...(result.cpuRates ?? []));
      } catch {
        entry.error = (run.stderr || run.stdout || String(run.error)).trim().split("\n").slice(-2).join(" ");
      }
      results.set(engine.name, entry);
    }
  }
  const rows = [...results].map(([name, entry]) => ({
    name,
    ...entry,
    rate: entry.rates.length ? median(entry.rates) : undefined,
    cpuRate: entry.cpuRates.length ? median(entry.cpuRates) : undefined,
  }));
  const reference = (prefix: string) => rows.find((row) => row.name.startsWith(prefix));
  const torch = reference("PyTorch");
  const keras = reference("Keras");
  console.log(
    `${"engine".padEnd(34)} ${"samples/s".padStart(9)} ${"[range]".padEnd(13)} ${"÷ PyTorch".padStart(9)} ${"÷ Keras".padStart(8)}  ${"per CPU-s".padStart(9)} ${"÷ PyTorch".padStart(9)} ${"÷ Keras".padStart(8)}  version`,
  );
  for (const row of rows) {
    if (row.rate === undefined) {
      console.log(`${row.name.padEnd(34)} failed: ${row.error}`);
      continue;
    }
    const ratio = (value: number | undefined, base?: number) => (value && base ? `${(value / base).toFixed(2)}×` : "—");
    const range = `[${Math.min(...row.rates).toFixed(0)}–${Math.max(...row.rates).toFixed(0)}]`;
    console.log(
      `${row.name.padEnd(34)} ${row.rate.toFixed(0).padStart(9)} ${range.padEnd(13)} ${ratio(row.rate, torch?.rate).padStart(9)} ${ratio(row.rate, keras?.rate).padStart(8)}  ${(row.cpuRate?.toFixed(0) ?? "—").padStart(9)} ${ratio(row.cpuRate, torch?.cpuRate).padStart(9)} ${ratio(row.cpuRate, keras?.cpuRate).padStart(8)}  ${row.version}`,
    );
  }
  console.log(
    `load average after: ${loadavg()
      .map((value) => value.toFixed(1))
      .join(", ")}`,
  );
  if (!torch) console.log("PyTorch: no Python with torch (set TSKERAS_BENCH_TORCH_PYTHON, or apt-get install python3-torch); skipped.");
  if (!native) console.log("tskeras native: not built (npx tskeras backend install); skipped.");
}
