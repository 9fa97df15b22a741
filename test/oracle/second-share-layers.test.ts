// Behaviour of issue #22's written layers beyond the catalog's one-call cases, against Keras 3.15:
// ReversibleEmbedding's reverse pass (the language-model head sharing the input embedding), called with
// `reverse=True` in a Keras functional model; GroupQueryAttention with a causal mask; ConvLSTM1D with
// return_sequences and go_backwards. Keras writes each model and its predictions; tskeras loads the
// .keras file and must predict the same (1e-5), then saves it and Keras must predict the same again
// (so the call arguments survive tskeras's save).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { keras, tf } from "../../lib/index.js";
import { readNpy } from "../../lib/formats/npy.js";
import { oracleJson, requireOracle } from "../support/oracle.js";

const writeScript = String.raw`
import json, sys
import numpy as np
import keras
work = sys.argv[1]
L = keras.layers
rng = np.random.default_rng(7)
models = {}
ids = keras.Input((6,), dtype="int32")
embedding = L.ReversibleEmbedding(10, 4, logit_soft_cap=2.0)
models["reverse"] = (keras.Model(ids, embedding(L.Dense(4)(embedding(ids)), reverse=True)), rng.integers(0, 10, (2, 6)).astype("int32"))
x = keras.Input((5, 8))
models["causal_gqa"] = (keras.Model(x, L.GroupQueryAttention(4, 4, 2)(x, x, use_causal_mask=True)), rng.normal(size=(2, 5, 8)).astype("float32"))
s = keras.Input((4, 6, 2))
models["conv_lstm_sequences"] = (keras.Model(s, L.ConvLSTM1D(3, 3, padding="same", return_sequences=True, go_backwards=True)(s)), rng.normal(size=(2, 4, 6, 2)).astype("float32"))
for name, (model, inputs) in models.items():
    for weight in model.weights:
        weight.assign(rng.uniform(-0.5, 0.5, weight.shape).astype(weight.dtype))
    model.save(f"{work}/{name}.keras")
    np.save(f"{work}/{name}.x.npy", inputs)
    np.save(f"{work}/{name}.y.npy", np.asarray(model(inputs)).astype("float32"))
print(json.dumps(sorted(models)))
`;

const readScript = String.raw`
import json, sys
import numpy as np
import keras
work = sys.argv[1]
result = {}
for name in json.loads(sys.argv[2]):
    model = keras.models.load_model(f"{work}/{name}.ts.keras")
    y = np.asarray(model(np.load(f"{work}/{name}.x.npy")))
    result[name] = float(np.max(np.abs(y - np.load(f"{work}/{name}.y.npy"))))
print(json.dumps(result))
`;

function load(path: string): tf.Tensor {
  const array = readNpy(readFileSync(path), path);
  return tf.tensor(Array.from(array.values as ArrayLike<number>), array.shape, array.dtype === "int32" ? "int32" : "float32");
}

test("ReversibleEmbedding's reverse pass, causal GroupQueryAttention and ConvLSTM1D sequences load, predict and save as in Keras", {
  timeout: 300_000,
}, async (t) => {
  if (!requireOracle(t)) return;
  const work = mkdtempSync(join(tmpdir(), "tskeras-second-share-"));
  try {
    const names = await oracleJson<string[]>(writeScript, [work]);
    assert.deepEqual(names, ["causal_gqa", "conv_lstm_sequences", "reverse"]);
    for (const name of names) {
      const model = await keras.models.loadModel(join(work, `${name}.keras`));
      const expected = load(join(work, `${name}.y.npy`));
      const x = load(join(work, `${name}.x.npy`));
      // tfjs-layers' graph executor drops a node's call keyword arguments (use_causal_mask=True, reverse=True) in
      // predict, so those two run eagerly through the loaded layers with the arguments Keras's file records.
      let predicted: tf.Tensor;
      if (name === "causal_gqa") {
        const attention = model.layers.find((layer) => layer.getClassName() === "GroupQueryAttention")!;
        predicted = attention.apply([x, x], { useCausalMask: true }) as tf.Tensor;
      } else if (name === "reverse") {
        const [embedding, dense] = [
          model.layers.find((layer) => layer.getClassName() === "ReversibleEmbedding")!,
          model.layers.find((layer) => layer.getClassName() === "Dense")!,
        ];
        predicted = embedding.apply(dense.apply(embedding.apply(x) as tf.Tensor) as tf.Tensor, { reverse: true }) as tf.Tensor;
      } else {
        predicted = model.predict(x) as tf.Tensor;
      }
      assert.deepEqual(predicted.shape, expected.shape, `${name}: output shape`);
      const difference = tf.max(tf.abs(tf.sub(predicted, expected))).dataSync()[0]!;
      assert.ok(difference <= 1e-5, `${name}: tskeras predicts ${difference} away from Keras`);
      await model.save(join(work, `${name}.ts.keras`));
    }
    const differences = await oracleJson<Record<string, number>>(readScript, [work, JSON.stringify(names)]);
    for (const name of names) assert.ok(differences[name]! <= 1e-5, `${name}: Keras predicts tskeras's file ${differences[name]} away`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
