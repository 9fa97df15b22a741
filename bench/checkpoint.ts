/**
 * Checkpoint throughput: writes and reads a ~400 MB tensor bundle and compares with raw `fs`
 * writing/reading the same bytes (and h5py, when /usr/bin/python3 has it). Prints MB/s and ratios.
 * Usage: node dist/bench/checkpoint.js [megabytes]   (default 400)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCheckpoint, writeBundle, type CheckpointTensorInput } from "../lib/formats/checkpoint/index.js";

const megabytes = Number(process.argv[2] ?? 400);
const tensorBytes = 4 * 1024 * 1024;
const tensorCount = Math.max(1, Math.round((megabytes * 1024 * 1024) / tensorBytes));
const totalMegabytes = (tensorCount * tensorBytes) / (1024 * 1024);

function seconds(body: () => void): number {
  const start = process.hrtime.bigint();
  body();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const directory = mkdtempSync(join(tmpdir(), "tskeras-bench-ckpt-"));
try {
  const tensors: [string, CheckpointTensorInput][] = Array.from({ length: tensorCount }, (_, index) => {
    const data = new Float32Array(tensorBytes / 4);
    for (let position = 0; position < data.length; position += 97) data[position] = index + position;
    return [`layer_with_weights-${index}/kernel/.ATTRIBUTES/VARIABLE_VALUE`, { dtype: "float32", shape: [1024, 1024], data }];
  });
  const prefix = join(directory, "ckpt");
  const writeSeconds = seconds(() => writeBundle(prefix, tensors));
  let checksum = 0;
  const readSeconds = seconds(() => {
    const reader = loadCheckpoint(prefix);
    for (const key of reader.keys()) checksum += (reader.getTensor(key).data as Float32Array)[97]!;
  });

  const rawPath = join(directory, "raw.bin");
  const rawWriteSeconds = seconds(() => {
    const descriptor = openSync(rawPath, "w");
    for (const [, tensor] of tensors) {
      const data = tensor.data as Float32Array;
      writeSync(descriptor, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    fsyncSync(descriptor);
    closeSync(descriptor);
  });
  // A loader must hand out a fresh array per tensor, so the fair baseline reads each tensor's bytes
  // into its own new buffer; readFileSync of the whole file (one huge allocation) is shown too.
  const rawReadSeconds = seconds(() => {
    const descriptor = openSync(rawPath, "r");
    let offset = 0;
    for (let index = 0; index < tensorCount; index++) {
      const bytes = new Uint8Array(tensorBytes);
      for (let done = 0; done < tensorBytes;) done += readSync(descriptor, bytes, done, tensorBytes - done, offset + done);
      offset += tensorBytes;
      checksum += bytes[388]!;
    }
    closeSync(descriptor);
  });
  const wholeFileSeconds = seconds(() => {
    checksum += readFileSync(rawPath).length;
  });

  const report = (label: string, value: number, baseline: number): string =>
    `${label.padEnd(28)} ${(totalMegabytes / value).toFixed(0).padStart(6)} MB/s   (${(baseline / value).toFixed(2)}x raw fs speed)`;
  console.log(`checkpoint of ${tensorCount} float32 tensors, ${totalMegabytes} MB (checksum ${checksum})`);
  console.log(report("tskeras writeBundle", writeSeconds, rawWriteSeconds));
  console.log(report("tskeras read all tensors", readSeconds, rawReadSeconds));
  console.log(report("raw fs write + fsync", rawWriteSeconds, rawWriteSeconds));
  console.log(report("raw fs read, per tensor", rawReadSeconds, rawReadSeconds));
  console.log(report("raw fs readFileSync, whole", wholeFileSeconds, rawReadSeconds));

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
    const [h5Write, h5Read] = execFileSync("/usr/bin/python3", ["-c", script, join(directory, "bench.h5"), String(tensorCount)], { encoding: "utf8" })
      .trim().split(/\s+/).map(Number) as [number, number];
    console.log(report("h5py write (Python)", h5Write, rawWriteSeconds));
    console.log(report("h5py read (Python)", h5Read, rawReadSeconds));
  } else {
    console.log("h5py not available to /usr/bin/python3; skipped.");
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
