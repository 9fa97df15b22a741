// Files tskeras writes, read back by h5py (an independent HDF5 implementation) and compared with the
// structure of REAL files Python Keras wrote for the same architectures: same groups, datasets
// (dtype, shape), attribute names and attribute kinds. Attribute values (versions, dates) may differ.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { keras, tf } from "../../lib/index.js";
import { fixturesRoot } from "./reference-fixtures.js";

/** h5py dump of every object: kind, dtype, shape and attribute kinds; for .keras also the zip members and JSON keys. */
const dumpScript = String.raw`
import h5py, io, json, sys, zipfile
def kind(value):
    if isinstance(value, str): return "str"
    if isinstance(value, bytes): return "bytes"
    return "array:" + ("str" if value.dtype.kind == "O" else value.dtype.str) + ":" + str(value.ndim)
def dump(f):
    out = {"/": {"kind": "group", "attrs": {k: kind(v) for k, v in f.attrs.items()}}}
    def visit(name, obj):
        entry = {"kind": "dataset" if isinstance(obj, h5py.Dataset) else "group", "attrs": {k: kind(v) for k, v in obj.attrs.items()}}
        if entry["kind"] == "dataset": entry.update(dtype=obj.dtype.str, shape=list(obj.shape))
        out[name] = entry
    f.visititems(visit)
    return out
path = sys.argv[1]
if path.endswith(".keras"):
    z = zipfile.ZipFile(path)
    config = json.loads(z.read("config.json"))
    result = {"members": z.namelist(), "metadata_keys": sorted(json.loads(z.read("metadata.json"))),
              "config_keys": sorted(config), "compile_keys": sorted(config.get("compile_config") or {}),
              "optimizer_class": config["compile_config"]["optimizer"]["class_name"],
              "h5": dump(h5py.File(io.BytesIO(z.read("model.weights.h5")), "r"))}
else:
    f = h5py.File(path, "r")
    training = json.loads(f.attrs["training_config"])
    model = json.loads(f.attrs["model_config"])
    result = {"h5": dump(f), "training_keys": sorted(training), "optimizer_class": training["optimizer_config"]["class_name"].split(">")[-1],
              "optimizer_config_has": sorted(k for k in ("learning_rate", "beta_1", "beta_2", "epsilon") if k in training["optimizer_config"]["config"]),
              "model_class": model["class_name"], "layer_classes": [l["class_name"] for l in model["config"]["layers"] if l["class_name"] != "InputLayer"]}
print(json.dumps(result))
`;

function dumpWithH5py(path: string): Record<string, unknown> & { h5: Record<string, unknown> } {
  const child = spawnSync("/usr/bin/python3", ["-c", dumpScript, path], { encoding: "utf8" });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

async function trainOneStep(model: InstanceType<typeof keras.Sequential>, inputShape: number[], classes: number, loss: string): Promise<void> {
  model.compile({ optimizer: "adam", loss, metrics: ["accuracy"] });
  const y = loss === "mse" ? tf.zeros([2, 1]) : tf.tensor1d([0, classes - 1], "int32");
  await model.fit(tf.randomNormal([2, ...inputShape], 0, 1, "float32", 1), y, { epochs: 1, batchSize: 2, verbose: 0 } as never);
}

describe("files tskeras writes have the layout of real Keras files (read by h5py)", () => {
  it("legacy .h5 matches k2h5_2.12.0_dense group for group and attribute for attribute", async () => {
    // The architecture of the real file: Dense 44→27→27→1, Adam, binary cross-entropy, accuracy.
    const model = new keras.Sequential([
      new keras.layers.Dense(27, { activation: "relu", inputShape: [44], name: "dense" }),
      new keras.layers.Dense(27, { activation: "relu", name: "dense_1" }),
      new keras.layers.Dense(1, { activation: "sigmoid", name: "dense_2" }),
    ]);
    // The loss value is not part of the compared layout (tskeras's compile has no binary_crossentropy yet).
    await trainOneStep(model, [44], 2, "mse");
    const path = join(mkdtempSync(join(tmpdir(), "tskeras-layout-")), "model.h5");
    await model.save(path);
    const ours = dumpWithH5py(path);
    const real = dumpWithH5py(join(fixturesRoot, "k2h5_2.12.0_dense/AlphabetSoupCharity.h5"));
    assert.deepEqual(ours.h5, real.h5);
    for (const key of ["training_keys", "optimizer_class", "optimizer_config_has", "model_class", "layer_classes"]) assert.deepEqual(ours[key], real[key], key);
  });

  it(".keras matches k3_3.10.0_cnn: members, JSON keys, and model.weights.h5 group for group", async () => {
    // The architecture of the real file (its config.json): a small MNIST CNN, Adam, sparse categorical cross-entropy.
    const model = new keras.Sequential([
      new keras.layers.Conv2D(32, [3, 3], { activation: "relu", inputShape: [28, 28, 1], name: "conv2d" }),
      new keras.layers.MaxPooling2D([2, 2], { name: "max_pooling2d" }),
      new keras.layers.Conv2D(64, [3, 3], { activation: "relu", name: "conv2d_1" }),
      new keras.layers.MaxPooling2D([2, 2], { name: "max_pooling2d_1" }),
      new keras.layers.Flatten({ name: "flatten" }),
      new keras.layers.Dropout(0.5, { name: "dropout" }),
      new keras.layers.Dense(64, { activation: "relu", name: "dense" }),
      new keras.layers.Dense(10, { activation: "softmax", name: "dense_1" }),
    ]);
    // The wasm backend has no Conv2DBackpropFilter kernel yet; train this CNN on the CPU backend.
    await tf.setBackend("cpu");
    await trainOneStep(model, [28, 28, 1], 10, "sparse_categorical_crossentropy");
    const path = join(mkdtempSync(join(tmpdir(), "tskeras-layout-")), "model.keras");
    await model.save(path);
    const ours = dumpWithH5py(path);
    const real = dumpWithH5py(join(fixturesRoot, "k3_3.10.0_cnn/model.keras"));
    assert.deepEqual(ours.h5, real.h5);
    for (const key of ["members", "metadata_keys", "config_keys", "compile_keys", "optimizer_class"]) assert.deepEqual(ours[key], real[key], key);
  });
});
