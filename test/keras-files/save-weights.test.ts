// model.saveWeights to Keras 2 `.h5` and Keras 3 `.weights.h5`, then loadWeights (in a fresh
// process for the round trip), with Keras's matching rules and mismatch errors.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { keras, tf } from "../../lib/index.js";
import { repositoryRoot } from "../support/kernelspec.js";

const directory = mkdtempSync(join(tmpdir(), "tskeras-weights-"));
const x = () => tf.randomNormal([3, 4], 0, 1, "float32", 5);

function model(units = 3, names = ["first", "second"]) {
  return new keras.Sequential([
    new keras.layers.Dense(units, { activation: "relu", inputShape: [4], name: names[0] }),
    new keras.layers.Dense(2, { name: names[1] }),
  ]);
}

/** h5py's view of the file: dataset paths and the weights-only root attributes. */
function h5pyDatasets(path: string): { datasets: string[]; rootAttributes: string[] } {
  const script =
    "import h5py,json,sys\nf=h5py.File(sys.argv[1],'r')\nd=[]\nf.visititems(lambda n,o: d.append(n) if isinstance(o,h5py.Dataset) else None)\nprint(json.dumps({'datasets':d,'rootAttributes':sorted(f.attrs)}))";
  const child = spawnSync("/usr/bin/python3", ["-c", script, path], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

describe("saveWeights / loadWeights with HDF5 files", () => {
  for (const [name, layout] of [
    [
      "weights.h5",
      {
        datasets: ["first/first/bias:0", "first/first/kernel:0", "second/second/bias:0", "second/second/kernel:0"],
        rootAttributes: ["backend", "keras_version", "layer_names"],
      },
    ],
    ["model.weights.h5", { datasets: ["layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0", "layers/dense_1/vars/1"], rootAttributes: [] }],
  ] as const) {
    it(`${name}: Keras's layout, and a fresh process predicts identically after loadWeights`, async () => {
      const source = model();
      const path = join(directory, name);
      await source.saveWeights(path);
      assert.deepEqual(h5pyDatasets(path), layout);
      const script = `
        import { keras, tf } from ${JSON.stringify(join(repositoryRoot, "dist/lib/index.js"))};
        const model = new keras.Sequential([new keras.layers.Dense(3, { activation: "relu", inputShape: [4], name: "first" }), new keras.layers.Dense(2, { name: "second" })]);
        await model.loadWeights(${JSON.stringify(path)});
        process.stdout.write(JSON.stringify(Array.from(model.predict(tf.randomNormal([3, 4], 0, 1, "float32", 5)).dataSync())));`;
      const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
      assert.equal(child.status, 0, child.stderr);
      assert.deepEqual(JSON.parse(child.stdout), Array.from((source.predict(x()) as tf.Tensor).dataSync()));
    });
  }

  it("names the layer and both shapes on a mismatch, and leaves the model untouched", async () => {
    const path = join(directory, "small.h5");
    await model(3).saveWeights(path);
    const target = model(5);
    const before = target.getWeights().map((weight) => Array.from(weight.dataSync()));
    await assert.rejects(
      target.loadWeights(path),
      /Layer "first" weight 0 \(first\/kernel\) has shape \[4, 5\] but .*small\.h5 holds shape \[4, 3\] at first\/first\/kernel:0/,
    );
    assert.deepEqual(
      target.getWeights().map((weight) => Array.from(weight.dataSync())),
      before,
    );
  });

  it("byName matches layers by name; skipMismatch skips the layer that does not fit", async () => {
    const path = join(directory, "named.h5");
    const source = model(3, ["first", "second"]);
    await source.saveWeights(path);
    // Same names, the first layer wider: only "second" can load.
    const target = new keras.Sequential([new keras.layers.Dense(3, { inputShape: [4], name: "other" }), new keras.layers.Dense(2, { name: "second" })]);
    const otherBefore = Array.from(target.layers[0]!.getWeights()[0]!.dataSync());
    await target.loadWeights(path, { byName: true });
    assert.deepEqual(Array.from(target.layers[1]!.getWeights()[0]!.dataSync()), Array.from(source.layers[1]!.getWeights()[0]!.dataSync()));
    assert.deepEqual(Array.from(target.layers[0]!.getWeights()[0]!.dataSync()), otherBefore);

    const mismatched = model(5, ["first", "second"]);
    await assert.rejects(mismatched.loadWeights(path, { byName: true }), /Layer "first" weight 0 .* has shape \[4, 5\]/);
    const firstBefore = Array.from(mismatched.layers[0]!.getWeights()[0]!.dataSync());
    // skipMismatch: "first" keeps its values, "second" (shape [5, 2] vs saved [3, 2]) is skipped too.
    await mismatched.loadWeights(path, { byName: true, skipMismatch: true } as { byName: boolean });
    assert.deepEqual(Array.from(mismatched.layers[0]!.getWeights()[0]!.dataSync()), firstBefore);
  });
});
