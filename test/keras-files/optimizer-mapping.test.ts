// One optimizer mapping for every format: an SGD with momentum and an Adagrad, compiled in Keras 3.15 (the
// oracle) and saved as Keras 2 `.h5`, load here compiled with the same hyper-parameters (the `.h5` path
// used to drop SGD's momentum and to refuse Adagrad). Saved back by tskeras, Keras reads the same settings.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { keras, tf } from "../../lib/index.js";
import { oracleJson, requireOracle } from "../support/oracle.js";
import { kerasOptimizerConfig } from "../../lib/keras/saving/optimizer.js";

const writeScript = `
import json, sys, numpy as np, keras
folder = sys.argv[1]
for name, optimizer in (("sgd", keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True)), ("adagrad", keras.optimizers.Adagrad(0.02, initial_accumulator_value=0.2))):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    model.save(folder + "/" + name + ".h5")
print(json.dumps({"ok": True}))
`;

const readScript = `
import json, sys, h5py
configs = {}
for path in sys.argv[1:]:
    with h5py.File(path) as f:
        configs[path] = json.loads(f.attrs["training_config"])["optimizer_config"]
print(json.dumps(configs))
`;

const defaultsScript = `
import json, sys, keras
print(json.dumps({name: {"class_name": type(keras.optimizers.get(name)).__name__, "config": keras.optimizers.get(name).get_config()} for name in sys.argv[1:]}))
`;

// Keras's own name for each optimizer (keras.optimizers.get(name).name) against what a tskeras .keras records.
const namesScript = `
import json, sys, zipfile, io, h5py, keras
names = json.loads(sys.argv[1])
out = {}
for name, path in zip(names, sys.argv[2:]):
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))["compile_config"]["optimizer"]["config"]["name"]
        with h5py.File(io.BytesIO(archive.read("model.weights.h5"))) as weights:
            vars_name = weights["optimizer/vars"].attrs["name"]
    out[name] = {"keras": keras.optimizers.get(name).name, "config": config, "vars": str(vars_name)}
print(json.dumps(out))
`;

describe("the one Keras <-> tfjs optimizer mapping", () => {
  it("loads SGD(momentum, nesterov) and Adagrad from Keras .h5 files compiled, and writes them back as Keras reads them", async (t) => {
    if (!requireOracle(t)) return;
    const folder = mkdtempSync(join(tmpdir(), "tskeras-optimizers-"));
    await oracleJson(writeScript, [folder]);

    const sgdModel = await keras.models.loadModel(join(folder, "sgd.h5"));
    const sgd = sgdModel.optimizer as tf.Optimizer;
    assert.equal(sgd.getClassName(), "Momentum");
    const sgdConfig = sgd.getConfig();
    assert.ok(Math.abs(Number(sgdConfig["learningRate"]) - 0.05) < 1e-7);
    assert.equal(sgdConfig["momentum"], 0.9);
    assert.equal(sgdConfig["useNesterov"], true);

    const adagradModel = await keras.models.loadModel(join(folder, "adagrad.h5"));
    const adagrad = adagradModel.optimizer as tf.Optimizer;
    assert.equal(adagrad.getClassName(), "Adagrad");
    assert.ok(Math.abs(Number(adagrad.getConfig()["learningRate"]) - 0.02) < 1e-7);
    assert.ok(Math.abs(Number(adagrad.getConfig()["initialAccumulatorValue"]) - 0.2) < 1e-7);

    // Both still train, and save back with the settings Keras reads.
    await sgdModel.fit(tf.ones([4, 3]), tf.ones([4, 2]), { epochs: 1, verbose: 0 });
    await sgdModel.save(join(folder, "sgd-tskeras.h5"));
    await adagradModel.save(join(folder, "adagrad-tskeras.h5"));
    const written = await oracleJson<Record<string, { class_name: string; config: Record<string, unknown> }>>(readScript, [
      join(folder, "sgd-tskeras.h5"),
      join(folder, "adagrad-tskeras.h5"),
    ]);
    const sgdWritten = written[join(folder, "sgd-tskeras.h5")]!;
    assert.equal(sgdWritten.class_name, "SGD");
    assert.equal(sgdWritten.config["momentum"], 0.9);
    assert.equal(sgdWritten.config["nesterov"], true);
    const adagradWritten = written[join(folder, "adagrad-tskeras.h5")]!;
    assert.equal(adagradWritten.class_name, "Adagrad");
    assert.ok(Math.abs(Number(adagradWritten.config["initial_accumulator_value"]) - 0.2) < 1e-7);
  });

  it("compile({ optimizer: name }) builds the optimizer Keras 3 builds for that name, with Keras's defaults", async (t) => {
    if (!requireOracle(t)) return;
    const names = ["adam", "sgd", "rmsprop", "adagrad", "adadelta", "adamax"];
    const expected = await oracleJson<Record<string, { class_name: string; config: Record<string, unknown> }>>(defaultsScript, names);
    for (const name of names) {
      const model = new keras.Sequential([new keras.layers.Dense(1, { inputShape: [2] })]);
      model.compile({ optimizer: name, loss: "mse" });
      const ours = kerasOptimizerConfig(model.optimizer as tf.Optimizer);
      const keras3 = expected[name]!;
      assert.equal(ours.className, keras3.class_name, name);
      for (const [key, value] of Object.entries(ours.config)) {
        if (key === "name" || !(key in keras3.config)) continue;
        const theirs = keras3.config[key];
        // Keras reports the learning rate as its float32 variable's value.
        const same = typeof value === "number" ? Math.fround(value) === Math.fround(theirs as number) : value === theirs;
        assert.ok(same, `${name}: ${key} is ${value} here, ${theirs} in Keras`);
      }
    }
  });

  it("a .keras file names each optimizer as Keras 3 does (RMSprop → rm_sprop) in its config and its optimizer variables", async (t) => {
    if (!requireOracle(t)) return;
    const names = ["adam", "sgd", "rmsprop", "adagrad", "adadelta", "adamax"];
    const folder = mkdtempSync(join(tmpdir(), "tskeras-optimizer-names-"));
    const paths: string[] = [];
    for (const name of names) {
      const model = new keras.Sequential([new keras.layers.Dense(1, { inputShape: [2] })]);
      model.compile({ optimizer: name, loss: "mse" });
      await model.fit(tf.ones([4, 2]), tf.ones([4, 1]), { epochs: 1, verbose: 0 });
      const path = join(folder, `${name}.keras`);
      await model.save(path);
      paths.push(path);
    }
    const names3 = await oracleJson<Record<string, { keras: string; config: string; vars: string }>>(namesScript, [JSON.stringify(names), ...paths]);
    for (const name of names) {
      const entry = names3[name]!;
      assert.equal(entry.config, entry.keras, `${name}: compile_config optimizer name`);
      assert.equal(entry.vars, entry.keras, `${name}: optimizer/vars name attribute`);
    }
  });
});
