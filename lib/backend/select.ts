import { createRequire } from "node:module";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerChainedOps } from "./chained-ops.js";
import { findNativeBackend, nativeBackendDirectory } from "./native-location.js";
import { patchWasmBatchMatMul } from "./wasm-batch-matmul.js";
import { registerWasmConv2DBackpropFilter } from "./wasm-conv2d-backprop-filter.js";
import { registerWasmCpuFallbacks } from "./wasm-cpu-fallback.js";
import { registerWasmGatherRows } from "./wasm-gather-rows.js";
import { registerWasmOneHot } from "./wasm-one-hot.js";
import { registerWasmMaxPoolGrad } from "./wasm-max-pool-grad.js";
import { registerWasmSharedIdentity } from "./wasm-shared-identity.js";
import { registerWasmSumLeadingAxes } from "./wasm-sum-leading-axes.js";

const require = createRequire(import.meta.url);

/**
 * libtensorflow's thread pools cost more than they gain on batch-32 work dispatched op by op: one
 * intra-op and one inter-op thread trained the MNIST MLP faster than two (npm run bench -- training).
 * A user's own setting wins. They are read when the binding creates its TensorFlow context.
 */
const nativeThreadDefaults: Record<string, string> = { TF_NUM_INTRAOP_THREADS: "1", TF_NUM_INTEROP_THREADS: "1", TF_CPP_MIN_LOG_LEVEL: "2" };

async function tryNative(): Promise<string | undefined> {
  const found = findNativeBackend();
  if (!found) return undefined;
  for (const [name, value] of Object.entries(nativeThreadDefaults)) if (!process.env[name]) process.env[name] = value;
  try {
    await import(pathToFileURL(found.entry).href);
    if (await tfc.setBackend("tensorflow")) return "tensorflow";
  } catch (error) {
    // Built by `tskeras backend install` but unusable now (its TensorFlow was removed, another Node):
    // say so once and fall through to wasm.
    if (found.record) {
      process.stderr.write(
        `tskeras: the native TensorFlow backend in ${nativeBackendDirectory(found.flavor)} failed to load (${(error as Error).message.split("\n")[0]}); using wasm. Rebuild it with \`npx tskeras backend install\` or remove it with \`npx tskeras backend remove\`.\n`,
      );
    }
  }
  return undefined;
}

async function tryWasm(): Promise<string | undefined> {
  // Node has no blob-URL workers, so the threaded build cannot start; the SIMD build can.
  tfc.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`);
  patchWasmBatchMatMul();
  registerWasmConv2DBackpropFilter();
  registerWasmMaxPoolGrad();
  registerWasmGatherRows();
  registerWasmOneHot();
  registerWasmSharedIdentity();
  registerWasmSumLeadingAxes();
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
 * Picks the fastest backend available: the native TensorFlow one (tfjs-node-gpu, then tfjs-node,
 * installed beside tskeras or built by `tskeras backend install`), then wasm, then cpu. `TSKERAS_BACKEND=cpu|wasm|tensorflow` forces one. `tf.getBackend()` tells which won.
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
