// Runs every compiled test file under dist/test with node's test runner.
// Node 20's --test takes no globs, so the file list is gathered here.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const root = new URL("../dist/test/", import.meta.url).pathname;
const only = process.argv.slice(2);
function collect(directory) {
  const files = [];
  for (const name of readdirSync(directory).sort()) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) files.push(...collect(path));
    else if (name.endsWith(".test.js")) files.push(path);
  }
  return files;
}
const all = collect(root);
const files = all.filter((file) => only.length === 0 || only.some((part) => file.includes(part)));
if (files.length === 0) {
  console.error("no test files found under dist/test: run `npm run build` first");
  process.exit(1);
}

// --- Backends (issue 17) ---
// The suite runs on the default WebAssembly backend even when a native one is built (tests that
// want another backend set TSKERAS_BACKEND themselves). On a full run with the native TensorFlow
// backend built (scripts/test-native-backend.sh; CI always), training, saving and notebook tests
// run a second time on it.
const nativeRoot = process.env.TSKERAS_NATIVE_DIR || new URL("../native", import.meta.url).pathname;
const nativeBuilt = existsSync(join(nativeRoot, "cpu/tskeras-native.json"));
const nativeSelection = ["library/training", "saving/", "keras-files/save-", "keras-files/load-reference-models", "notebooks/tutorials"];
// Of the tutorials, the Keras saving guide: its outputs do not name the backend (and a few minutes).
const nativeNotebooks = process.env.TSKERAS_NOTEBOOKS || "save_and_load_keras.ipynb";
const passes = [{ backend: process.env.TSKERAS_BACKEND || "wasm", files, environment: {} }];
if (only.length === 0 && nativeBuilt && !process.env.TSKERAS_BACKEND) {
  passes.push({
    backend: "tensorflow",
    files: all.filter((file) => nativeSelection.some((part) => file.includes(part))),
    environment: { TSKERAS_NOTEBOOKS: nativeNotebooks },
  });
}
let status = 0;
for (const pass of passes) {
  if (passes.length > 1) console.log(`\n### tests on the ${pass.backend} backend (${pass.files.length} files)\n`);
  const result = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...pass.files], {
    stdio: "inherit",
    env: { ...process.env, ...pass.environment, TSKERAS_BACKEND: pass.backend },
  });
  status ||= result.status ?? 1;
}
process.exit(status);
