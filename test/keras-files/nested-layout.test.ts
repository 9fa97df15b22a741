// Nested layers in Keras 3 files: a custom layer holding `this.inner = Dense` and a list of Dense layers,
// and a subclassed model with attributes and its own weight. Keras 3.15 (the oracle) writes the same
// architectures; the dataset paths of our `.weights.h5` must be Python's, Python must load our `.keras`
// and `.weights.h5` and compute what we compute, and we must load the weights Python wrote.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type * as tfl from "@tensorflow/tfjs-layers";
import { keras, tf } from "../../lib/index.js";
import { oracleJson, requireOracle } from "../support/oracle.js";

class Block extends keras.layers.Layer {
  static className = "Block";
  readonly units: number;
  readonly inner: InstanceType<typeof keras.layers.Dense>;
  readonly pair: InstanceType<typeof keras.layers.Dense>[];
  scale?: tf.Variable;
  constructor({ units = 3, ...options }: { units?: number } & keras.layers.LayerArgs = {}) {
    super(options);
    this.units = units;
    this.inner = new keras.layers.Dense(units);
    this.pair = [new keras.layers.Dense(2), new keras.layers.Dense(units)];
  }
  override build(_inputShape: tfl.Shape): void {
    this.scale = this.addWeight({ shape: [this.units], initializer: "ones", name: "scale" });
  }
  override call(inputs: tf.Tensor): tf.Tensor {
    return tf.mul(this.pair[1]!.apply(this.pair[0]!.apply(this.inner.apply(inputs))), this.scale!);
  }
  override getConfig() {
    return { ...super.getConfig(), units: this.units };
  }
}

class Sub extends keras.Model {
  readonly zeta = new keras.layers.Dense(2);
  readonly alpha = new keras.layers.Dense(3);
  w?: tf.Variable;
  override call(inputs: tf.Tensor): tf.Tensor {
    this.w ??= this.addWeight({ shape: [2], initializer: "ones", name: "w" });
    return tf.mul(this.zeta.apply(this.alpha.apply(inputs)), this.w);
  }
}

/** The same two architectures in Python; prints the paths of the weights files Keras writes for them. */
const python = `
import json, sys, h5py, numpy as np, keras
class Block(keras.layers.Layer):
    def __init__(self, units=3, **kw):
        super().__init__(**kw); self.units = units
        self.inner = keras.layers.Dense(units)
        self.pair = [keras.layers.Dense(2), keras.layers.Dense(units)]
        self.scale = self.add_weight(shape=(units,), initializer="ones", name="scale")
    def call(self, x): return self.pair[1](self.pair[0](self.inner(x))) * self.scale
    def get_config(self): return {**super().get_config(), "units": self.units}
class Sub(keras.Model):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.zeta = keras.layers.Dense(2)
        self.alpha = keras.layers.Dense(3)
        self.w = self.add_weight(shape=(2,), initializer="ones", name="w")
    def call(self, x): return self.zeta(self.alpha(x)) * self.w
def paths(path):
    found = {}
    with h5py.File(path) as f:
        f.visititems(lambda name, obj: found.__setitem__(name, list(obj.shape)) if isinstance(obj, h5py.Dataset) else None)
    return found
folder, ours_keras, ours_weights, ours_sub = sys.argv[1:5]
x = np.arange(8, dtype="float32").reshape(2, 4) / 8
sequential = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5), Block(3), keras.layers.Dense(1)])
sequential.save_weights(folder + "/python.weights.h5")
sub = Sub(); sub(x)
sub.save_weights(folder + "/python_sub.weights.h5")
# Our files, loaded by Keras: the .keras archive whole, and the weights into Python's own instances.
loaded = keras.saving.load_model(ours_keras, custom_objects={"Block": Block})
sequential.load_weights(ours_weights)
sub.load_weights(ours_sub)
print(json.dumps({
    "sequential_paths": paths(folder + "/python.weights.h5"),
    "sub_paths": paths(folder + "/python_sub.weights.h5"),
    "our_sequential_paths": paths(ours_weights),
    "our_sub_paths": paths(ours_sub),
    "loaded_prediction": loaded.predict(x, verbose=0).tolist(),
    "weights_prediction": sequential.predict(x, verbose=0).tolist(),
    "sub_prediction": sub.predict(x, verbose=0).tolist(),
}))
`;

/** Python again: the weights files Python wrote, loaded into fresh Python models, predict on x. */
const pythonPredictions =
  `
import json, sys, numpy as np, keras
` +
  python.split("def paths")[0]!.split("import json, sys, h5py, numpy as np, keras")[1] +
  `
folder = sys.argv[1]
x = np.arange(8, dtype="float32").reshape(2, 4) / 8
sequential = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5), Block(3), keras.layers.Dense(1)])
sequential.load_weights(folder + "/python.weights.h5")
sub = Sub(); sub(x); sub.load_weights(folder + "/python_sub.weights.h5")
print(json.dumps({"sequential": sequential.predict(x, verbose=0).tolist(), "sub": sub.predict(x, verbose=0).tolist()}))
`;

function close(actual: number[][], expected: number[][], what: string): void {
  assert.equal(actual.length, expected.length, what);
  const wanted = expected.flat();
  for (const [index, value] of actual.flat().entries()) assert.ok(Math.abs(value - wanted[index]!) < 1e-5, `${what}: ${value} vs ${wanted[index]}`);
}

describe("nested layers in Keras 3 files (the attribute-recursive walk)", () => {
  it("writes Python's paths (layers/block/inner/vars/0, alpha/vars/0, ...), and Keras 3 and tskeras load each other's files", async (t) => {
    if (!requireOracle(t)) return;
    const folder = mkdtempSync(join(tmpdir(), "tskeras-nested-"));
    const x = tf.div(tf.reshape(tf.range(0, 8), [2, 4]), 8);
    const sequential = new keras.Sequential([keras.Input({ shape: [4] }), new keras.layers.Dense(5), new Block({ units: 3 }), new keras.layers.Dense(1)]);
    const sub = new Sub();
    sub.predict(x);
    const ourSequential = (sequential.predict(x) as tf.Tensor).arraySync() as number[][];
    const ourSub = (sub.predict(x) as tf.Tensor).arraySync() as number[][];
    await sequential.save(join(folder, "ours.keras"));
    await sequential.saveWeights(join(folder, "ours.weights.h5"));
    await sub.saveWeights(join(folder, "ours_sub.weights.h5"));

    const result = await oracleJson<{
      sequential_paths: Record<string, number[]>;
      sub_paths: Record<string, number[]>;
      our_sequential_paths: Record<string, number[]>;
      our_sub_paths: Record<string, number[]>;
      loaded_prediction: number[][];
      weights_prediction: number[][];
      sub_prediction: number[][];
    }>(python, [folder, join(folder, "ours.keras"), join(folder, "ours.weights.h5"), join(folder, "ours_sub.weights.h5")]);

    // The layout: same dataset paths and shapes as Keras 3 writes.
    assert.ok("layers/block/inner/vars/0" in result.sequential_paths, JSON.stringify(result.sequential_paths));
    assert.deepEqual(result.our_sequential_paths, result.sequential_paths);
    assert.deepEqual(result.our_sub_paths, result.sub_paths);

    // Python reads our files: the .keras archive and both weights files give our predictions.
    close(result.loaded_prediction, ourSequential, "Keras load_model(ours.keras)");
    close(result.weights_prediction, ourSequential, "Keras load_weights(ours.weights.h5)");
    close(result.sub_prediction, ourSub, "Keras load_weights(ours_sub.weights.h5) into a subclassed model");

    // We read Python's files: its weights give its predictions.
    const expected = await oracleJson<{ sequential: number[][]; sub: number[][] }>(pythonPredictions, [folder]);
    await sequential.loadWeights(join(folder, "python.weights.h5"));
    await sub.loadWeights(join(folder, "python_sub.weights.h5"));
    close((sequential.predict(x) as tf.Tensor).arraySync() as number[][], expected.sequential, "tskeras loadWeights(python.weights.h5)");
    close((sub.predict(x) as tf.Tensor).arraySync() as number[][], expected.sub, "tskeras loadWeights(python_sub.weights.h5)");

    // And our .keras file loads back here with the same predictions.
    const reloaded = await keras.models.loadModel(join(folder, "ours.keras"), { customObjects: { Block } });
    close((reloaded.predict(x) as tf.Tensor).arraySync() as number[][], ourSequential, "tskeras loadModel(ours.keras)");
  });
});
