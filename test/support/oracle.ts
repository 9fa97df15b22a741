// The oracle: real TensorFlow 2.21 and Keras 3.15 in the venv that scripts/test-prerequisites.sh makes
// (`npm test` runs it first). Tests ask it what Keras writes, reads and computes. Without the venv a
// test skips locally and fails under CI=true, where a missing oracle is an error.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";

/** The venv's python, or undefined when the venv has not been made. */
export const oraclePython: string | undefined = (() => {
  const venv = process.env["TSKERAS_TEST_VENV"] ?? join(homedir(), ".cache", "tskeras", "test-venv");
  const python = join(venv, "bin", "python");
  return existsSync(python) ? python : undefined;
})();

/** True when the oracle can run; otherwise skips the test (or throws under CI=true). */
export function requireOracle(t: TestContext): boolean {
  if (oraclePython !== undefined) return true;
  const message = "TensorFlow/Keras venv not found: run `bash scripts/test-prerequisites.sh` (npm test does)";
  if (process.env["CI"] === "true") throw new Error(message);
  t.skip(message);
  return false;
}

/**
 * Runs a Python script in the oracle venv (stdin-free, CPU only, quiet TensorFlow logs) and returns its
 * stdout. `args` become sys.argv[1:]. Rejects with Python's stderr when the script fails.
 */
export function runOracle(script: string, args: string[] = [], options: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  if (oraclePython === undefined) return Promise.reject(new Error("the TensorFlow/Keras oracle venv is missing"));
  const python = oraclePython;
  return new Promise((resolve, reject) => {
    execFile(
      python,
      ["-c", script, ...args],
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3", CUDA_VISIBLE_DEVICES: "", KERAS_BACKEND: "tensorflow", PYTHONHASHSEED: "0" },
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`oracle script failed (${error.message.split("\n")[0]}):\n${stderr.slice(-4000)}`));
        else resolve(stdout);
      },
    );
  });
}

/** Runs a Python script that prints one JSON document as its last stdout line, and parses it. */
export async function oracleJson<T>(script: string, args: string[] = [], options: { cwd?: string; timeoutMs?: number } = {}): Promise<T> {
  const stdout = await runOracle(script, args, options);
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1] ?? "null") as T;
}
