/**
 * Checkpoint throughput: writes and reads a ~400 MB tensor bundle and compares with raw `fs`
 * writing/reading the same bytes (and h5py, when /usr/bin/python3 has it). Prints MB/s and ratios.
 * A second case stores many small tensors, as real Keras models do (biases, norms, optimizer
 * scalars), where per-tensor overhead rather than bandwidth decides.
 * Usage: node dist/bench/checkpoint.js [megabytes] [smallTensorCount]   (defaults 400, 4000)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCheckpoint, writeBundle, type CheckpointTensorInput } from "../lib/formats/checkpoint/index.js";

const megabytes = Number(process.argv[2] ?? 400);
const smallTensorCount = Number(process.argv[3] ?? 4000);

function seconds(body: () => void): number {
  const start = process.hrtime.bigint();
  body();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

let checksum = 0;

/**
 * Bundle write/read against raw fs on the same bytes. Each timing is the best of its runs: the first
 * pass of whichever code runs first pays for the process touching fresh memory (slow on a VM), which
 * made single-pass reads look 20x slower than the same reads a moment later.
 */
function measure(directory: string, label: string, tensorCount: number, elementsPerTensor: number, writeRepeats: number, readRepeats: number): void {
  const tensorBytes = elementsPerTensor * 4;
  const totalMegabytes = (tensorCount * tensorBytes) / (1024 * 1024);
  const tensors: [string, CheckpointTensorInput][] = Array.from({ length: tensorCount }, (_, index) => {
    const data = new Float32Array(elementsPerTensor);
    for (let position = 0; position < data.length; position += 97) data[position] = index + position;
    return [`layer_with_weights-${index}/kernel/.ATTRIBUTES/VARIABLE_VALUE`, { dtype: "float32", shape: [elementsPerTensor], data }];
  });
  const prefix = join(directory, `ckpt-${label}`);
  const rawPath = join(directory, `raw-${label}.bin`);
  const best = (repeats: number, body: () => void) => Math.min(...Array.from({ length: repeats }, () => seconds(body)));
  const writeSeconds = best(writeRepeats, () => writeBundle(prefix, tensors));
  const readSeconds = best(readRepeats, () => {
    const reader = loadCheckpoint(prefix);
    for (const key of reader.keys()) checksum += (reader.getTensor(key).data as Float32Array)[0]!;
  });
  const rawWriteSeconds = best(writeRepeats, () => {
    const descriptor = openSync(rawPath, "w");
    for (const [, tensor] of tensors) {
      const data = tensor.data as Float32Array;
      writeSync(descriptor, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    fsyncSync(descriptor);
    closeSync(descriptor);
  });
  // A loader must hand out a fresh array per tensor, so the fair baseline reads each tensor's bytes
  // into its own new (uninitialized) buffer through one open file; readFileSync of the whole file is shown too.
  const rawReadSeconds = best(readRepeats, () => {
    const descriptor = openSync(rawPath, "r");
    let offset = 0;
    for (let index = 0; index < tensorCount; index++) {
      const bytes = Buffer.allocUnsafeSlow(tensorBytes);
      for (let done = 0; done < tensorBytes; ) done += readSync(descriptor, bytes, done, tensorBytes - done, offset + done);
      offset += tensorBytes;
      checksum += bytes[0]!;
    }
    closeSync(descriptor);
  });
  const wholeFileSeconds = best(readRepeats, () => {
    checksum += readFileSync(rawPath).length;
  });
  const report = (name: string, value: number, baseline: number): string =>
    `${name.padEnd(28)} ${(totalMegabytes / value).toFixed(0).padStart(6)} MB/s   (${(baseline / value).toFixed(2)}x raw fs speed)`;
  console.log(
    `\n${label}: ${tensorCount} float32 tensors of ${tensorBytes} bytes, ${totalMegabytes.toFixed(1)} MB, best of ${writeRepeats} writes, ${readRepeats} reads`,
  );
  console.log(report("tskeras writeBundle", writeSeconds, rawWriteSeconds));
  console.log(report("tskeras read all tensors", readSeconds, rawReadSeconds));
  console.log(report("raw fs write + fsync", rawWriteSeconds, rawWriteSeconds));
  console.log(report("raw fs read, per tensor", rawReadSeconds, rawReadSeconds));
  console.log(report("raw fs readFileSync, whole", wholeFileSeconds, rawReadSeconds));
  rmSync(rawPath, { force: true });
}

const directory = mkdtempSync(join(tmpdir(), "tskeras-bench-ckpt-"));
try {
  const bigTensorCount = Math.max(1, Math.round((megabytes * 1024 * 1024) / (4 * 1024 * 1024)));
  measure(directory, "large", bigTensorCount, 1024 * 1024, 1, 3);
  measure(directory, "small", smallTensorCount, 256, 3, 3);

  const hasH5py = spawnSync("/usr/bin/python3", ["-c", "import h5py"]).status === 0;
  if (hasH5py) {
    const script = `
import h5py, numpy, os, sys, time
path, count = sys.argv[1], int(sys.argv[2])
arrays = [numpy.zeros((1024, 1024), numpy.float32) + i for i in range(count)]
start = time.perf_counter()
with h5py.File(path, "w") as f:
    for i, a in enumerate(arrays):
        f.create_dataset("w%d" % i, data=a)
    f.flush()
    os.fsync(f.id.get_vfd_handle())
middle = time.perf_counter()
with h5py.File(path, "r") as f:
    total = sum(float(f["w%d" % i][0, 0]) for i in range(count) if f["w%d" % i][()].size)
end = time.perf_counter()
print(middle - start, end - middle)
`;
    const totalMegabytes = bigTensorCount * 4;
    const [h5Write, h5Read] = execFileSync("/usr/bin/python3", ["-c", script, join(directory, "bench.h5"), String(bigTensorCount)], { encoding: "utf8" })
      .trim()
      .split(/\s+/)
      .map(Number) as [number, number];
    console.log(`\nh5py (Python), large case`);
    console.log(`${"h5py write".padEnd(28)} ${(totalMegabytes / h5Write).toFixed(0).padStart(6)} MB/s`);
    console.log(`${"h5py read".padEnd(28)} ${(totalMegabytes / h5Read).toFixed(0).padStart(6)} MB/s`);
  } else {
    console.log("h5py not available to /usr/bin/python3; skipped.");
  }
  console.log(`(checksum ${checksum})`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
