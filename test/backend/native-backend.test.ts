import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readNativeBuildRecord } from "../../lib/backend/native-location.js";
import { repositoryRoot } from "../support/kernelspec.js";

const cli = join(repositoryRoot, "dist/kernel/cli.js");
const library = JSON.stringify(join(repositoryRoot, "dist/lib/index.js"));

function node(args: string[], environment: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, ...environment } });
}

function emptyNativeDirectory(): string {
  return mkdtempSync(join(tmpdir(), "tskeras-native-"));
}

describe("tskeras backend install: clear refusals", () => {
  it("names a Python without TensorFlow and how to get one", () => {
    const run = node([cli, "backend", "install", "--from", "/usr/bin/python3"], { TSKERAS_NATIVE_DIR: emptyNativeDirectory() });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /\/usr\/bin\/python3 has no TensorFlow\. Install one \(pip install tensorflow-cpu==2\.21\.0\) or pass --from/);
  });
  it("refuses a file that is not a TensorFlow wheel", () => {
    const run = node([cli, "backend", "install", "--from", join(tmpdir(), "numpy-2.0.0-cp311-cp311-linux_x86_64.whl")], {
      TSKERAS_NATIVE_DIR: emptyNativeDirectory(),
    });
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /is not a TensorFlow wheel/);
  });
  it("remove with nothing built says so", () => {
    const run = node([cli, "backend", "remove"], { TSKERAS_NATIVE_DIR: emptyNativeDirectory() });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /No native cpu backend in .*nothing to remove/);
  });
});

describe("native backend selection", () => {
  it("falls back to wasm with one line naming the fix when a built backend no longer loads", () => {
    // A build whose libraries went away: the package throws on load the way a missing .so does.
    const directory = emptyNativeDirectory();
    const packageDirectory = join(directory, "cpu/node_modules/@tensorflow/tfjs-node");
    mkdirSync(packageDirectory, { recursive: true });
    writeFileSync(join(directory, "cpu/package.json"), "{}");
    writeFileSync(join(packageDirectory, "package.json"), JSON.stringify({ name: "@tensorflow/tfjs-node", version: "4.22.0", main: "index.js" }));
    writeFileSync(join(packageDirectory, "index.js"), `throw new Error("libtensorflow_cc.so.2: cannot open shared object file: No such file or directory");`);
    writeFileSync(join(directory, "cpu/tskeras-native.json"), JSON.stringify({ flavor: "cpu", tensorflowVersion: "2.21.0" }));
    const run = node(["--input-type=module", "-e", `const { tf } = await import(${library}); process.stdout.write(tf.getBackend());`], {
      TSKERAS_BACKEND: "",
      TSKERAS_NATIVE_DIR: directory,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, "wasm");
    assert.match(
      run.stderr,
      /native TensorFlow backend in .* failed to load \(libtensorflow_cc\.so\.2: cannot open shared object file.*\); using wasm\. Rebuild it with `npx tskeras backend install`/,
    );
    assert.equal(run.stderr.trim().split("\n").length, 1);
  });
});

// Built by scripts/test-prerequisites.sh (CI) or `npx tskeras backend install`; under CI it must be there.
const record = readNativeBuildRecord("cpu");
const skip = !record && process.env.CI !== "true" ? "no native backend built here (npx tskeras backend install)" : false;

describe("the built native TensorFlow backend", { skip }, () => {
  it("is picked by default, reports the libtensorflow it was built from, prints nothing, and defaults to one TF thread", () => {
    assert.ok(record, "CI=true but no native backend was built: scripts/test-prerequisites.sh builds it");
    const run = node(
      [
        "--input-type=module",
        "-e",
        `
      const { tf } = await import(${library});
      const product = Array.from(tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).dataSync());
      process.stdout.write(JSON.stringify({ backend: tf.getBackend(), version: tf.backend().binding.TF_Version, product,
        threads: [process.env.TF_NUM_INTRAOP_THREADS, process.env.TF_NUM_INTEROP_THREADS] }));`,
      ],
      { TSKERAS_BACKEND: "", TF_NUM_INTRAOP_THREADS: "", TF_NUM_INTEROP_THREADS: "" },
    );
    assert.equal(run.status, 0, run.stderr);
    // The binding's TF_Version comes from libtensorflow; the record's from the wheel's pip metadata.
    assert.deepEqual(JSON.parse(run.stdout), { backend: "tensorflow", version: record.tensorflowVersion, product: [19, 22, 43, 50], threads: ["1", "1"] });
    assert.equal(run.stderr, "");
  });
  it("keeps a user's own thread setting", () => {
    const run = node(["--input-type=module", "-e", `await import(${library}); process.stdout.write(process.env.TF_NUM_INTRAOP_THREADS);`], {
      TSKERAS_BACKEND: "tensorflow",
      TF_NUM_INTRAOP_THREADS: "2",
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, "2");
  });
  it("agrees with the JavaScript cpu backend on conv2d, its gradients, softmax cross-entropy and a 5-epoch fit", () => {
    // Same inputs and initial weights on both backends; the cpu backend is tfjs' independent implementation.
    const run = node(
      [
        "--input-type=module",
        "-e",
        `
      const { tf, keras } = await import(${library});
      const random = (shape, seed) => tf.randomUniform(shape, -1, 1, "float32", seed);
      async function compute(backend) {
        await tf.setBackend(backend);
        const x = random([2, 12, 12, 3], 1), w = random([3, 3, 3, 4], 2);
        const loss = (x, w) => tf.losses.softmaxCrossEntropy(tf.oneHot([1, 3], 4), tf.mean(tf.conv2d(x, w, 2, "same"), [1, 2]));
        const [dx, dw] = tf.grads(loss)([x, w]);
        const model = new keras.Sequential([new keras.layers.Conv2D(4, 3, { activation: "relu", inputShape: [12, 12, 3] }),
          new keras.layers.MaxPooling2D(), new keras.layers.Flatten(), new keras.layers.Dense(2)]);
        model.setWeights(model.getWeights().map((weight, index) => tf.mul(random(weight.shape, 10 + index), 0.3)));
        model.compile({ optimizer: tf.train.sgd(0.05), loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
        const history = await model.fit(random([16, 12, 12, 3], 5), tf.tensor1d([0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0], "int32"), { epochs: 5, batchSize: 4, shuffle: false, verbose: 0 });
        return { conv: Array.from(tf.conv2d(x, w, 2, "same").dataSync()), dx: Array.from(dx.dataSync()), dw: Array.from(dw.dataSync()), loss: history.history.loss };
      }
      const native = await compute("tensorflow"), cpu = await compute("cpu");
      const maxDifference = (a, b) => Math.max(...a.map((value, index) => Math.abs(value - b[index])));
      process.stdout.write(JSON.stringify(Object.fromEntries(Object.keys(native).map((key) => [key, maxDifference(native[key], cpu[key])]))));`,
      ],
      { TSKERAS_BACKEND: "tensorflow" },
    );
    assert.equal(run.status, 0, run.stderr);
    const differences = JSON.parse(run.stdout) as Record<string, number>;
    for (const [quantity, difference] of Object.entries(differences)) assert.ok(difference < 1e-4, `${quantity}: tensorflow and cpu differ by ${difference}`);
  });
});
