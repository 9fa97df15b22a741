// A small Transformer encoder (token + position Embeddings, MultiHeadAttention, LayerNormalization,
// Dense feed-forward, residual Adds) across tskeras and Keras 3: trained here and saved as .keras,
// Keras loads it and predicts the same; Keras's own (compiled) file loads here and one training
// step gives Keras's loss; the parameter counts are Keras's.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { keras, tf } from "../../lib/index.js";
import { writeNpy } from "../../lib/formats/npy.js";
import { oracleJson, requireOracle } from "../support/oracle.js";

const vocabulary = 20;
const steps = 6;
const width = 8;

/** The encoder, written as a Keras user would write it. */
function buildEncoder(): tf.LayersModel {
  const L = keras.layers;
  const tokens = keras.Input({ shape: [steps], dtype: "int32", name: "tokens" });
  const positions = keras.Input({ shape: [steps], dtype: "int32", name: "positions" });
  const embedded = new L.Add().apply([new L.Embedding(vocabulary, width).apply(tokens), new L.Embedding(steps, width).apply(positions)]);
  const attended = new L.MultiHeadAttention(2, 4).apply([embedded, embedded]);
  const normalized = new L.LayerNormalization({ epsilon: 1e-6 }).apply(new L.Add().apply([embedded, attended]));
  const fed = new L.Dense(width).apply(new L.Dense(16, { activation: "relu" }).apply(normalized));
  const encoded = new L.LayerNormalization({ epsilon: 1e-6 }).apply(new L.Add().apply([normalized, fed]));
  const probabilities = new L.Dense(3, { activation: "softmax" }).apply(new L.GlobalAveragePooling1D().apply(encoded));
  return new keras.Model({ inputs: [tokens, positions], outputs: probabilities });
}

/** The same model in Python. */
const pythonEncoder = `
def build_encoder():
    L = keras.layers
    tokens = keras.Input((${steps},), dtype="int32", name="tokens")
    positions = keras.Input((${steps},), dtype="int32", name="positions")
    embedded = L.Add()([L.Embedding(${vocabulary}, ${width})(tokens), L.Embedding(${steps}, ${width})(positions)])
    attended = L.MultiHeadAttention(2, 4)(embedded, embedded)
    normalized = L.LayerNormalization(epsilon=1e-6)(L.Add()([embedded, attended]))
    fed = L.Dense(${width})(L.Dense(16, activation="relu")(normalized))
    encoded = L.LayerNormalization(epsilon=1e-6)(L.Add()([normalized, fed]))
    probabilities = L.Dense(3, activation="softmax")(L.GlobalAveragePooling1D()(encoded))
    return keras.Model([tokens, positions], probabilities)
`;

/** Deterministic data: 8 sequences, their positions, and a class each. */
function data(): { tokens: Int32Array; positions: Int32Array; labels: Int32Array } {
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
  const tokens = Int32Array.from({ length: 8 * steps }, () => next() % vocabulary);
  const positions = Int32Array.from({ length: 8 * steps }, (_unused, index) => index % steps);
  const labels = Int32Array.from({ length: 8 }, (_unused, row) => tokens[row * steps]! % 3);
  return { tokens, positions, labels };
}

test("a Transformer encoder trains in tskeras, saves as .keras, and Keras 3 predicts the same; Keras's file trains here with Keras's loss", {
  timeout: 600_000,
}, async (t) => {
  if (!requireOracle(t)) return;
  const work = mkdtempSync(join(tmpdir(), "tskeras-transformer-"));
  try {
    const { tokens, positions, labels } = data();
    writeFileSync(join(work, "tokens.npy"), writeNpy({ dtype: "int32", shape: [8, steps], values: tokens }));
    writeFileSync(join(work, "positions.npy"), writeNpy({ dtype: "int32", shape: [8, steps], values: positions }));
    writeFileSync(join(work, "labels.npy"), writeNpy({ dtype: "int32", shape: [8], values: labels }));
    const x = [tf.tensor2d(tokens, [8, steps], "int32"), tf.tensor2d(positions, [8, steps], "int32")];
    const y = tf.tensor1d(labels, "int32");

    // tskeras → Keras: train a few steps, save, and let Keras predict.
    const ours = buildEncoder();
    ours.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy" });
    const history = await ours.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0 });
    const losses = history.history["loss"] as number[];
    assert.ok(losses.at(-1)! < losses[0]!, `training lowers the loss (${losses.join(", ")})`);
    await ours.save(join(work, "tskeras.keras"));
    const ourPrediction = ours.predict(x) as tf.Tensor;
    writeFileSync(join(work, "tskeras-prediction.npy"), writeNpy({ dtype: "float32", shape: ourPrediction.shape, values: ourPrediction.dataSync() }));

    const oracle = await oracleJson<{
      predictionDifference: number;
      kerasLoss: number;
      kerasParams: number;
      kerasLayerParams: Record<string, number>;
      ourFileParams: number;
    }>(
      `
import json, sys, numpy as np, keras
work = sys.argv[1]
${pythonEncoder}
x = [np.load(f"{work}/tokens.npy"), np.load(f"{work}/positions.npy")]
y = np.load(f"{work}/labels.npy")
theirs = keras.models.load_model(f"{work}/tskeras.keras")
difference = float(np.max(np.abs(theirs.predict(x, verbose=0) - np.load(f"{work}/tskeras-prediction.npy"))))
keras.utils.set_random_seed(7)
model = build_encoder()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.save(f"{work}/keras.keras")
loss = float(model.train_on_batch(x, y))
print(json.dumps({"predictionDifference": difference, "kerasLoss": loss, "kerasParams": model.count_params(),
  "kerasLayerParams": {type(layer).__name__ + ":" + str(index): layer.count_params() for index, layer in enumerate(model.layers)},
  "ourFileParams": theirs.count_params()}))
`,
      [work],
    );
    console.log(
      `tskeras loss over 5 epochs: ${losses.map((loss) => loss.toFixed(5)).join(" → ")}; Keras predicts tskeras's file within ${oracle.predictionDifference.toExponential(2)}`,
    );
    assert.ok(oracle.predictionDifference <= 1e-5, `Keras's prediction differs by ${oracle.predictionDifference}`);
    assert.equal(oracle.ourFileParams, ours.countParams());

    // Keras → tskeras: Keras's compiled file loads, and one training step gives Keras's loss.
    const theirs = await keras.models.loadModel(join(work, "keras.keras"));
    assert.equal(theirs.countParams(), oracle.kerasParams);
    const ourLayerParams = Object.fromEntries(theirs.layers.map((layer, index) => [`${layer.getClassName()}:${index}`, layer.countParams()]));
    assert.deepEqual(ourLayerParams, oracle.kerasLayerParams);
    if (!(theirs as unknown as { optimizer?: unknown }).optimizer) theirs.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy" });
    const loss = (await theirs.trainOnBatch(x, y)) as number;
    console.log(`one training step on Keras's file: tskeras loss ${loss.toFixed(7)}, Keras ${oracle.kerasLoss.toFixed(7)}; ${oracle.kerasParams} parameters`);
    assert.ok(Math.abs(loss - oracle.kerasLoss) <= 1e-4, `loss ${loss} vs Keras ${oracle.kerasLoss}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
