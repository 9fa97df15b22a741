// Files tskeras writes, read back by h5py (an independent HDF5 implementation) and compared with the
// structure of REAL files Python Keras wrote for the same architectures: same groups, datasets
// (dtype, shape), attribute names and attribute kinds. Attribute values (versions, dates) may differ.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as tfl from "@tensorflow/tfjs-layers";
import { keras, tf } from "../../lib/index.js";
import { fixturesRoot } from "./reference-fixtures.js";
import { oracleJson, requireOracle } from "../support/oracle.js";

/** Keras 3.15 (the oracle) loads the real Keras 3.10 file and saves it again: the config.json Keras 3.15 writes for that model. */
const resaveScript = String.raw`
import json, sys, tempfile, zipfile, os
import keras
model = keras.models.load_model(sys.argv[1])
path = os.path.join(tempfile.mkdtemp(), "resaved.keras")
model.save(path)
print(json.dumps(json.loads(zipfile.ZipFile(path).read("config.json"))))
`;

/** The sorted get_config() keys of Keras 3.15's layers, built as the recurrent test builds them. */
const recurrentKeysScript = String.raw`
import json
import keras
L = keras.layers
layers = {"Embedding": L.Embedding(20, 4), "LSTM": L.LSTM(3, return_sequences=True), "GRU": L.GRU(2, reset_after=False), "BatchNormalization": L.BatchNormalization()}
print(json.dumps({name: sorted(layer.get_config()) for name, layer in layers.items()}))
`;

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
    metadata = json.loads(z.read("metadata.json"))
    result = {"members": z.namelist(), "metadata_keys": sorted(metadata), "keras_version": metadata["keras_version"], "config": config,
              "config_keys": sorted(config), "compile_keys": sorted(config.get("compile_config") or {}),
              "optimizer_class": ((config.get("compile_config") or {}).get("optimizer") or {}).get("class_name"),
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

/** A copy of a JSON value without `key` at any depth. */
function withoutKey(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutKey(item, key));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([entryKey]) => entryKey !== key)
      .map(([entryKey, entry]) => [entryKey, withoutKey(entry, key)]),
  );
}

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

  it(".keras matches k3_3.10.0_cnn: members and model.weights.h5 group for group, config.json value for value as Keras 3.15 saves that model", async (t) => {
    if (!requireOracle(t)) return;
    // The architecture of the real file (its config.json): a small MNIST CNN, Adam, sparse categorical cross-entropy.
    // Keras's default kernel initializer (tfjs's is glorotNormal) so the configs can be compared whole.
    const kernelInitializer = "glorotUniform";
    const model = new keras.Sequential(
      [
        new keras.layers.Conv2D(32, [3, 3], { activation: "relu", inputShape: [28, 28, 1], name: "conv2d", kernelInitializer }),
        new keras.layers.MaxPooling2D([2, 2], { name: "max_pooling2d" }),
        new keras.layers.Conv2D(64, [3, 3], { activation: "relu", name: "conv2d_1", kernelInitializer }),
        new keras.layers.MaxPooling2D([2, 2], { name: "max_pooling2d_1" }),
        new keras.layers.Flatten({ name: "flatten" }),
        new keras.layers.Dropout(0.5, { name: "dropout" }),
        new keras.layers.Dense(64, { activation: "relu", name: "dense", kernelInitializer }),
        new keras.layers.Dense(10, { activation: "softmax", name: "dense_1", kernelInitializer }),
      ],
      { name: "sequential" },
    );
    // The wasm backend has no Conv2DBackpropFilter kernel yet; train this CNN on the CPU backend.
    await tf.setBackend("cpu");
    await trainOneStep(model, [28, 28, 1], 10, "sparse_categorical_crossentropy");
    const path = join(mkdtempSync(join(tmpdir(), "tskeras-layout-")), "model.keras");
    await model.save(path);
    const ours = dumpWithH5py(path);
    const real = dumpWithH5py(join(fixturesRoot, "k3_3.10.0_cnn/model.keras"));
    assert.deepEqual(ours.h5, real.h5);
    for (const key of ["members", "metadata_keys", "config_keys", "compile_keys", "optimizer_class"]) assert.deepEqual(ours[key], real[key], key);
    assert.match(ours["keras_version"] as string, /^3\.\d+\.\d+ /, "a Keras 3 version, as the schema written is Keras 3's");
    // config.json value for value, as Keras 3.15 (the version tskeras targets) saves the real file's model: every
    // object {module, class_name, config, registered_name}, build_config per layer, DTypePolicy dtypes, InputLayer
    // first, and 3.15's keys (Dense's quantization_config, the initializers' input_axes/output_axes, InputLayer's
    // optional). Known differences, listed: Keras adds shared_object_id where one policy object is serialized twice
    // (optional on load), and tskeras does not XLA-compile (jit_compile false).
    const keras315 = await oracleJson<unknown>(resaveScript, [join(fixturesRoot, "k3_3.10.0_cnn/model.keras")]);
    const expectedConfig = withoutKey(keras315, "shared_object_id") as { compile_config: Record<string, unknown> };
    expectedConfig.compile_config["jit_compile"] = false;
    assert.deepEqual(ours["config"], expectedConfig);
  });

  it(".keras of a recurrent model: Keras 3.15 keys for Embedding/LSTM/GRU/BatchNormalization, and the same predictions after reload", async (t) => {
    if (!requireOracle(t)) return;
    const model = new keras.Sequential([
      new keras.layers.Embedding(20, 4, { inputLength: 5, name: "embedding" }),
      new keras.layers.LSTM(3, { returnSequences: true, name: "lstm" }),
      // reset_after=False explicitly: the Keras 2-era GRU (a Keras 3 default GRU is checked by the oracle matrix).
      new keras.layers.GRU(2, { resetAfter: false, name: "gru" }),
      new keras.layers.BatchNormalization({ name: "batch_normalization" }),
      new keras.layers.Dense(2, { activation: "softmax", name: "dense" }),
    ]);
    const path = join(mkdtempSync(join(tmpdir(), "tskeras-layout-")), "recurrent.keras");
    await model.save(path);
    const layers = (dumpWithH5py(path)["config"] as Record<string, any>)["config"]["layers"] as Record<string, any>[];
    const keys = (className: string) => Object.keys(layers.find((layer) => layer["class_name"] === className)!["config"]).sort();
    // The get_config keys of Keras 3.15's layers (the oracle), e.g. Embedding's quantization_config and BatchNormalization's renorm keys.
    const expected = await oracleJson<Record<string, string[]>>(recurrentKeysScript);
    for (const className of ["Embedding", "LSTM", "GRU", "BatchNormalization"]) assert.deepEqual(keys(className), [...expected[className]!].sort(), className);
    // Asked for reset_after=False: the reset gate before the recurrent product (bias (3 * units,)).
    assert.equal(layers.find((layer) => layer["class_name"] === "GRU")!["config"]["reset_after"], false);
    assert.deepEqual(layers.find((layer) => layer["class_name"] === "LSTM")!["build_config"], { input_shape: [null, 5, 4] });
    const x = tf.tensor2d([
      [1, 2, 3, 4, 5],
      [5, 6, 7, 0, 1],
    ]);
    const reloaded = await keras.models.loadModel(path);
    assert.deepEqual(Array.from((reloaded.predict(x) as tf.Tensor).dataSync()), Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });

  it(".keras of a functional model: Keras 3 Functional schema, read back by tskeras with the same predictions", async () => {
    const input = keras.Input({ shape: [4], name: "features" });
    const hidden = new keras.layers.Dense(3, { activation: "relu", name: "hidden" }).apply(input) as never;
    const side = new keras.layers.Dense(3, { name: "side" }).apply(input) as never;
    // tskeras has no keras.layers.Concatenate yet; the tfjs-layers class serializes the same way.
    const merged = tfl.layers.concatenate({ name: "merged" }).apply([hidden, side]) as never;
    const output = new keras.layers.Dense(1, { name: "out" }).apply(merged) as never;
    const model = new keras.Model({ inputs: input, outputs: output });
    const path = join(mkdtempSync(join(tmpdir(), "tskeras-layout-")), "functional.keras");
    await model.save(path);
    const config = dumpWithH5py(path)["config"] as Record<string, any>;
    // Facts of the Keras 3 schema (reference §3.3 and Keras 3's Functional.get_config).
    assert.equal(config["module"], "keras.src.models.functional");
    assert.equal(config["class_name"], "Functional");
    assert.equal(config["registered_name"], "Functional");
    assert.deepEqual(Object.keys(config["config"]).sort(), ["input_layers", "layers", "name", "output_layers", "trainable"]);
    assert.deepEqual(config["config"]["input_layers"], [["features", 0, 0]]);
    assert.deepEqual(config["config"]["output_layers"], [["out", 0, 0]]);
    const layers = config["config"]["layers"] as Record<string, any>[];
    assert.deepEqual(
      layers.map((layer) => [layer["class_name"], layer["name"], layer["module"], "build_config" in layer]),
      [
        ["InputLayer", "features", "keras.layers", false],
        ["Dense", "hidden", "keras.layers", true],
        ["Dense", "side", "keras.layers", true],
        ["Concatenate", "merged", "keras.layers", true],
        ["Dense", "out", "keras.layers", true],
      ],
    );
    // Keras 3.15's InputLayer.get_config() (the oracle's): `optional` after the name.
    assert.deepEqual(layers[0]!["config"], { batch_shape: [null, 4], dtype: "float32", sparse: false, ragged: false, name: "features", optional: false });
    assert.deepEqual(layers[0]!["inbound_nodes"], []);
    const tensor = (name: string, width: number) => ({
      class_name: "__keras_tensor__",
      config: { shape: [null, width], dtype: "float32", keras_history: [name, 0, 0] },
    });
    assert.deepEqual(layers[1]!["inbound_nodes"], [{ args: [tensor("features", 4)], kwargs: {} }]);
    // A merge layer takes its inputs as one list argument and was built with one shape per input.
    assert.deepEqual(layers[3]!["inbound_nodes"], [{ args: [[tensor("hidden", 3), tensor("side", 3)]], kwargs: {} }]);
    assert.deepEqual(layers[3]!["build_config"], {
      input_shape: [
        [null, 3],
        [null, 3],
      ],
    });
    assert.deepEqual(layers[4]!["build_config"], { input_shape: [null, 6] });
    assert.deepEqual(layers[1]!["config"]["dtype"], { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null });
    assert.equal(layers[1]!["config"]["kernel_initializer"]["module"], "keras.initializers");
    // Our loader reads the Keras 3 file back.
    const x = tf.tensor2d([
      [0.5, -1, 2, 0.25],
      [1, 1, -0.5, 3],
    ]);
    const reloaded = await keras.models.loadModel(path);
    assert.deepEqual(Array.from((reloaded.predict(x) as tf.Tensor).dataSync()), Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });
});
