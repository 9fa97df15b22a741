// Worker thread of fuzz.test.ts: builds mutated copies of one real file and passes each through
// inspectFile (and every `loadEvery`-th also through loadKerasModel and loadKerasWeights), reporting
// the start and the outcome of every case, so the parent can stop this thread when a case hangs.
import { parentPort, workerData } from "node:worker_threads";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync, zipSync } from "fflate";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { hdf5ReadLimits } from "../../lib/formats/hdf5/hdf5-file.js";
import { inspectFile } from "../../lib/inspect/index.js";
import { loadModel as loadKerasModel, loadWeights as loadKerasWeights } from "../../lib/keras/saving/api.js";
// The loaders rebuild models with the Keras classes, which register themselves when lib/keras is loaded.
import "../../lib/keras/index.js";

export interface FuzzJob {
  /** The real file to mutate. */
  original: string;
  suffix: string;
  seed: number;
  /** Variants `first` … `first + count - 1`; each variant's mutation depends only on (seed, index). */
  first: number;
  count: number;
  /** Every this many variants also go through the loaders. */
  loadEvery: number;
  /** Path of a real file whose architecture takes the fixture's weights (loadKerasWeights), or null. */
  architecture: string | null;
}

export type FuzzMessage =
  | { type: "start"; variant: number }
  | { type: "done"; variant: number; mutation: string; outcomes: { operation: string; error: string | null; errorIsError: boolean }[] };

/** Deterministic generator so a failure can be replayed from (seed, variant). */
export function randomGenerator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

function flipBytes(bytes: Uint8Array, random: () => number, limit: number): void {
  for (let flips = 1 + Math.floor(random() * 8); flips > 0; flips--) bytes[Math.floor(random() * Math.min(limit, bytes.length))] = Math.floor(random() * 256);
}

/**
 * One variant: truncation, random byte changes anywhere, byte changes in the first 4 KiB (HDF5
 * superblock and object headers live there), or, for zip archives, byte changes or truncation
 * inside one member that is then zipped again with valid checksums (so the damage reaches the
 * JSON and HDF5 readers instead of stopping at the zip's CRC check).
 */
export function mutate(original: Uint8Array, seed: number, variant: number, isZip: boolean): { bytes: Uint8Array; mutation: string } {
  const random = randomGenerator(seed * 100_003 + variant * 7919 + 17);
  for (let warmUp = 0; warmUp < 4; warmUp++) random();
  const kind = Math.floor(random() * (isZip ? 5 : 3));
  if (kind === 0) {
    const length = Math.floor(random() * original.length);
    return { bytes: original.slice(0, length), mutation: `truncated to ${length} bytes` };
  }
  const bytes = Uint8Array.from(original);
  if (kind === 1) {
    flipBytes(bytes, random, bytes.length);
    return { bytes, mutation: "bytes changed anywhere" };
  }
  if (kind === 2) {
    flipBytes(bytes, random, 4096);
    return { bytes, mutation: "bytes changed in the first 4 KiB" };
  }
  const members = unzipSync(original);
  const names = Object.keys(members);
  const name = names[Math.floor(random() * names.length)]!;
  let member = Uint8Array.from(members[name]!);
  if (kind === 3) flipBytes(member, random, random() < 0.5 ? 4096 : member.length);
  else member = member.slice(0, Math.floor(random() * member.length));
  return {
    bytes: zipSync({ ...members, [name]: member }, { level: 0 }),
    mutation: `${kind === 3 ? "bytes changed in" : "truncated"} member ${name}, re-zipped`,
  };
}

async function run(job: FuzzJob): Promise<void> {
  tfc.env().set("IS_TEST", true);
  await tfc.setBackend("cpu");
  // The library's own guard against HDF5 loops, shortened so it answers well before the harness's deadline.
  hdf5ReadLimits.baseDeadlineMs = 2_000;
  const original = readFileSync(job.original);
  const isZip = original[0] === 0x50 && original[1] === 0x4b;
  const architecture = job.architecture === null ? null : await loadKerasModel(job.architecture, { compile: false });
  const directory = mkdtempSync(join(tmpdir(), "tskeras-fuzz-"));
  try {
    for (let variant = job.first; variant < job.first + job.count; variant++) {
      parentPort!.postMessage({ type: "start", variant } satisfies FuzzMessage);
      const { bytes, mutation } = mutate(original, job.seed, variant, isZip);
      const path = join(directory, `variant-${variant}.${job.suffix}`);
      writeFileSync(path, bytes);
      const operations: [string, () => Promise<unknown>][] = [["inspectFile", () => inspectFile(path)]];
      if (variant % job.loadEvery === 0) {
        if (architecture) operations.push(["loadKerasWeights", () => loadKerasWeights(architecture, path)]);
        else operations.push(["loadKerasModel", () => loadKerasModel(path)]);
      }
      const outcomes: Extract<FuzzMessage, { type: "done" }>["outcomes"] = [];
      for (const [operation, call] of operations) {
        try {
          const result = await call();
          if (result && typeof (result as { dispose?: unknown }).dispose === "function") (result as { dispose(): void }).dispose();
          outcomes.push({ operation, error: null, errorIsError: true });
        } catch (error) {
          outcomes.push({ operation, error: error instanceof Error ? error.message : String(error), errorIsError: error instanceof Error });
        }
      }
      rmSync(path);
      parentPort!.postMessage({ type: "done", variant, mutation, outcomes } satisfies FuzzMessage);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (parentPort && workerData) await run(workerData as FuzzJob);
