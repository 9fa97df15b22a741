import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerChainedOps } from "./chained-ops.js";
import { patchWasmBatchMatMul } from "./wasm-batch-matmul.js";
import { registerWasmCpuFallbacks } from "./wasm-cpu-fallback.js";

const require = createRequire(import.meta.url);

/** Native backends a user may have installed (their install downloads libtensorflow, so they are opt-in). */
const nativeBackends = [
  { module: "@tensorflow/tfjs-node-gpu", name: "tensorflow" },
  { module: "@tensorflow/tfjs-node", name: "tensorflow" },
];

async function tryNative(): Promise<string | undefined> {
  for (const candidate of nativeBackends) {
    try {
      require.resolve(candidate.module);
    } catch {
      continue;
    }
    try {
      await import(candidate.module);
      if (await tfc.setBackend(candidate.name)) return candidate.name;
    } catch {
      // Installed but unusable (wrong platform, missing libtensorflow): fall through to wasm.
    }
  }
  return undefined;
}

async function tryWasm(): Promise<string | undefined> {
  // Node has no blob-URL workers, so the threaded build cannot start; the SIMD build can.
  tfc.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`);
  patchWasmBatchMatMul();
  registerWasmCpuFallbacks();
  try {
    return (await tfc.setBackend("wasm")) ? "wasm" : undefined;
  } catch {
    return undefined;
  }
}

/** The cpu backend greets Node users with an "install tfjs-node" banner on first use; cells must not see it. */
function silenceCpuBanner(): void {
  const cpu = tfc.findBackend("cpu") as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
}

/**
 * Picks the fastest backend available: tfjs-node-gpu, then tfjs-node (when installed), then wasm,
 * then cpu. `TSKERAS_BACKEND=cpu|wasm|tensorflow` forces one. `tf.getBackend()` tells which won.
 */
export async function selectBackend(): Promise<string> {
  registerChainedOps();
  silenceCpuBanner();
  const forced = process.env.TSKERAS_BACKEND;
  if (forced === "wasm" && (await tryWasm())) return "wasm";
  if (forced === "tensorflow" && (await tryNative())) return "tensorflow";
  if (forced === "cpu" || forced === "wasm" || forced === "tensorflow") {
    await tfc.setBackend("cpu");
    return tfc.getBackend();
  }
  const chosen = (await tryNative()) ?? (await tryWasm());
  if (!chosen) await tfc.setBackend("cpu");
  await tfc.ready();
  return tfc.getBackend();
}
