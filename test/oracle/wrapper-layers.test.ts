// The wrappers Bidirectional and SpectralNormalization beyond the catalog's one-call cases, against
// Keras 3.15:
// - Bidirectional's config: tskeras's constructor writes Keras's `layer` (forward_<name>) and
//   `backward_layer` (backward_<name>, go_backwards) key for key, values included, in `getConfig()` and
//   in the `.keras` file; a Keras model whose backward layer is a GRU under an LSTM forward layer loads,
//   predicts, keeps its GRU in `backward_layer`, saves, and Keras predicts the same from our file.
// - SpectralNormalization with training=true: one call normalizes the kernel in place and updates
//   vector_u; output, kernel and vector_u equal Keras's (Dense, and Conv2D with power_iterations=2), and
//   the file tskeras saves afterwards predicts in Keras as Keras's normalized layer does; Keras's legacy
//   .h5 of the same models loads here and ours loads in Keras, with the same predictions.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { keras, tf } from "../../lib/index.js";
import { readNpy } from "../../lib/formats/npy.js";
import { oracleJson, requireOracle } from "../support/oracle.js";

const writeScript = `
import json, sys
import numpy as np
import keras
work = sys.argv[1]
L = keras.layers
rng = np.random.default_rng(11)
def randomize(model):
    for weight in model.weights:
        weight.assign(rng.uniform(-0.5, 0.5, weight.shape).astype(weight.dtype))
out = {}
# Bidirectional: the config of the layer tskeras also builds (named, as Keras numbers names per process), and a model with a GRU backward layer.
x = keras.Input((5, 3))
model = keras.Model(x, L.Bidirectional(L.LSTM(3, return_sequences=True, name="lstm"), merge_mode="sum")(x))
model.save(f"{work}/bidirectional_ctor_keras.keras")
gru = keras.Model(x, L.Bidirectional(L.LSTM(3), backward_layer=L.GRU(3, go_backwards=True))(x))
randomize(gru)
xs = rng.normal(size=(2, 5, 3)).astype("float32")
gru.save(f"{work}/bidirectional_gru.keras")
np.save(f"{work}/bidirectional_gru.x.npy", xs)
np.save(f"{work}/bidirectional_gru.y.npy", np.asarray(gru(xs)).astype("float32"))
out["bidirectional_config"] = keras.saving.serialize_keras_object(L.Bidirectional(L.LSTM(3, return_sequences=True, name="lstm"), merge_mode="sum"))["config"]
# SpectralNormalization: one training call, eagerly.
cases = {"dense": (L.SpectralNormalization(L.Dense(4)), (2, 5)), "conv": (L.SpectralNormalization(L.Conv2D(2, 2), power_iterations=2), (2, 4, 4, 3))}
for name, (layer, shape) in cases.items():
    inputs = keras.Input(shape[1:])
    model = keras.Model(inputs, layer(inputs))
    randomize(model)
    xs = rng.normal(size=shape).astype("float32")
    model.save(f"{work}/spectral_{name}.keras")
    model.save(f"{work}/spectral_{name}.h5")
    np.save(f"{work}/spectral_{name}.before.npy", np.asarray(model(xs, training=False)).astype("float32"))
    np.save(f"{work}/spectral_{name}.x.npy", xs)
    np.save(f"{work}/spectral_{name}.train.npy", np.asarray(layer(xs, training=True)).astype("float32"))
    np.save(f"{work}/spectral_{name}.kernel.npy", np.asarray(layer.kernel).astype("float32"))
    np.save(f"{work}/spectral_{name}.u.npy", np.asarray(layer.vector_u).astype("float32"))
    np.save(f"{work}/spectral_{name}.after.npy", np.asarray(model(xs, training=False)).astype("float32"))
print(json.dumps(out))
`;

const readScript = `
import json, sys, zipfile
import numpy as np
import keras
work = sys.argv[1]
def entry(path, class_name):
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    return next(layer for layer in config["config"]["layers"] if layer["class_name"] == class_name)["config"]
def normalized(value):
    # Everything but the identity of the saved objects: Keras adds shared_object_id and build_config to what it saves.
    if isinstance(value, dict):
        return {key: normalized(item) for key, item in value.items() if key not in ("shared_object_id", "build_config")}
    if isinstance(value, list):
        return [normalized(item) for item in value]
    return round(value, 6) if isinstance(value, float) else value
result = {}
ours, theirs = entry(f"{work}/bidirectional_ctor.keras", "Bidirectional"), entry(f"{work}/bidirectional_ctor_keras.keras", "Bidirectional")
result["configEqual"] = normalized(ours) == normalized(theirs)
result["configOurs"], result["configKeras"] = json.dumps(normalized(ours))[:3000], json.dumps(normalized(theirs))[:3000]
keras.models.load_model(f"{work}/bidirectional_ctor.keras")
diffs = {}
model = keras.models.load_model(f"{work}/bidirectional_gru.ts.keras")
result["backwardClass"] = type(model.layers[-1].backward_layer).__name__
diffs["bidirectional_gru"] = float(np.max(np.abs(np.asarray(model(np.load(f"{work}/bidirectional_gru.x.npy"))) - np.load(f"{work}/bidirectional_gru.y.npy"))))
for name in ["dense", "conv"]:
    model = keras.models.load_model(f"{work}/spectral_{name}.ts.keras")
    legacy = keras.models.load_model(f"{work}/spectral_{name}.ts.h5")
    diffs[f"spectral_{name}.h5"] = float(np.max(np.abs(np.asarray(legacy(np.load(f"{work}/spectral_{name}.x.npy"))) - np.load(f"{work}/spectral_{name}.before.npy"))))
    diffs[f"spectral_{name}"] = float(np.max(np.abs(np.asarray(model(np.load(f"{work}/spectral_{name}.x.npy"), training=False)) - np.load(f"{work}/spectral_{name}.after.npy"))))
result["diffs"] = diffs
print(json.dumps(result))
`;

function load(path: string): tf.Tensor {
  const array = readNpy(readFileSync(path), path);
  return tf.tensor(Array.from(array.values as ArrayLike<number>), array.shape, "float32");
}

function maxDifference(actual: tf.Tensor, expected: tf.Tensor): number {
  assert.deepEqual(actual.shape, expected.shape);
  return tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]!;
}

/** A Keras 3 config value compared by what it means: dtype policies by name, objects by class and config, floats to 6 places. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === "object") {
    const object = value as Record<string, unknown>;
    if (object["class_name"] === "DTypePolicy") return (object["config"] as { name: string }).name;
    if (typeof object["class_name"] === "string") return { class_name: object["class_name"], config: comparable(object["config"] ?? {}) };
    return Object.fromEntries(
      Object.entries(object)
        .filter(([key]) => key !== "build_config")
        .map(([key, item]) => [key, comparable(item)]),
    );
  }
  return typeof value === "number" ? Math.round(value * 1e6) / 1e6 : value;
}

test("Bidirectional's config and a GRU backward layer, SpectralNormalization's training call: as in Keras 3.15", { timeout: 300_000 }, async (t) => {
  if (!requireOracle(t)) return;
  const work = mkdtempSync(join(tmpdir(), "tskeras-wrappers-"));
  try {
    const written = await oracleJson<{ bidirectional_config: Record<string, unknown> }>(writeScript, [work]);
    const L = keras.layers;

    // getConfig() of tskeras's constructor: Keras's keys and values, the nested layers' too.
    const bidirectional = new L.Bidirectional(new L.LSTM(3, { returnSequences: true, name: "lstm" }), "sum");
    const config = bidirectional.getConfig() as Record<string, unknown>;
    const { name: _name, ...ours } = comparable(config) as Record<string, unknown>;
    const { name: _kerasName, ...theirs } = comparable(written.bidirectional_config) as Record<string, unknown>;
    assert.deepEqual(ours, theirs);
    assert.equal((config["layer"] as { config: { name: string } }).config.name, "forward_lstm");
    assert.equal((config["backward_layer"] as { config: { name: string } }).config.name, "backward_lstm");
    // fromConfig gives the same layer back (and the same config).
    assert.deepEqual(comparable(L.Bidirectional.fromConfig(config as never).getConfig()), comparable(config));
    const input = keras.Input({ shape: [5, 3] });
    await new keras.Model({ inputs: input, outputs: bidirectional.apply(input) as tf.SymbolicTensor }).save(join(work, "bidirectional_ctor.keras"));

    // Keras's model with a GRU backward layer: loads with it, predicts, saves.
    const gru = await keras.models.loadModel(join(work, "bidirectional_gru.keras"));
    const layer = gru.layers.find((candidate) => candidate.getClassName() === "Bidirectional")!;
    const backward = (layer.getConfig() as { backward_layer: { class_name: string; config: { go_backwards: boolean } } }).backward_layer;
    assert.equal(backward.class_name, "GRU");
    assert.equal(backward.config.go_backwards, true);
    const gruDifference = maxDifference(gru.predict(load(join(work, "bidirectional_gru.x.npy"))) as tf.Tensor, load(join(work, "bidirectional_gru.y.npy")));
    assert.ok(gruDifference < 1e-5, `GRU-backward Bidirectional predicts ${gruDifference} away from Keras`);
    await gru.save(join(work, "bidirectional_gru.ts.keras"));

    // SpectralNormalization: one training call normalizes the kernel and updates vector_u as Keras's does.
    for (const name of ["dense", "conv"]) {
      // Keras's legacy .h5 (weights in trainable-then-not order: kernel, bias, vector_u) loads and saves too.
      const legacy = await keras.models.loadModel(join(work, `spectral_${name}.h5`));
      const x0 = load(join(work, `spectral_${name}.x.npy`));
      const legacyDifference = maxDifference(legacy.predict(x0) as tf.Tensor, load(join(work, `spectral_${name}.before.npy`)));
      assert.ok(legacyDifference < 1e-5, `SpectralNormalization(${name}) from Keras's .h5 predicts ${legacyDifference} away`);
      await legacy.save(join(work, `spectral_${name}.ts.h5`));
      const model = await keras.models.loadModel(join(work, `spectral_${name}.keras`));
      const spectral = model.layers.find((candidate) => candidate.getClassName() === "SpectralNormalization") as InstanceType<typeof L.SpectralNormalization>;
      const x = load(join(work, `spectral_${name}.x.npy`));
      const trained = spectral.apply(x, { training: true }) as tf.Tensor;
      for (const [what, actual, expected] of [
        ["output", trained, "train"],
        ["kernel", spectral.kernel.read(), "kernel"],
        ["vector_u", spectral.vectorU!.read(), "u"],
      ] as const) {
        const difference = maxDifference(actual, load(join(work, `spectral_${name}.${expected}.npy`)));
        assert.ok(difference < 1e-5, `SpectralNormalization(${name}) training call: ${what} is ${difference} away from Keras's`);
      }
      await model.save(join(work, `spectral_${name}.ts.keras`));
    }

    const read = await oracleJson<{ configEqual: boolean; configOurs: string; configKeras: string; backwardClass: string; diffs: Record<string, number> }>(
      readScript,
      [work],
    );
    assert.ok(read.configEqual, `the .keras config of Bidirectional differs from Keras's:\n ours  ${read.configOurs}\n Keras ${read.configKeras}`);
    assert.equal(read.backwardClass, "GRU");
    for (const [name, difference] of Object.entries(read.diffs)) assert.ok(difference < 1e-5, `Keras loading tskeras's ${name}: ${difference} away`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
