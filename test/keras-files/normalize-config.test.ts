// Keras 3 and Keras 2 JSON dialects normalize into configs tfjs-layers builds correctly.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { normalizeKerasConfig } from "../../lib/keras/saving/keras-json/normalize.js";
import type { KerasObjectConfig } from "../../lib/formats/keras-json/schema.js";
import { findUnknownClasses } from "../../lib/keras/saving/keras-json/class-registry.js";
import { modelFromKerasConfig } from "../../lib/keras/saving/load-model.js";
// The loaders rebuild models with the Keras classes, which register themselves when lib/keras is loaded.
import "../../lib/keras/index.js";

tfc.env().set("IS_TEST", true);
await tfc.setBackend("cpu");

const float32Policy = { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null };
const keras3Tensor = (layer: string) => ({ class_name: "__keras_tensor__", config: { shape: [null, 1], dtype: "float32", keras_history: [layer, 0, 0] } });

/** A two-branch Keras 3 Functional model in the layout `serialize_keras_object` writes. */
const keras3Functional = {
  module: "keras",
  class_name: "Functional",
  config: {
    name: "two_branches",
    trainable: true,
    layers: [
      {
        module: "keras.layers",
        class_name: "InputLayer",
        config: { batch_shape: [null, 2], dtype: "float32", sparse: false, ragged: false, name: "x" },
        registered_name: null,
        name: "x",
        inbound_nodes: [],
      },
      ...["a", "b"].map((name) => ({
        module: "keras.layers",
        class_name: "Dense",
        config: {
          name,
          trainable: true,
          dtype: float32Policy,
          units: 1,
          activation: { module: "keras.activations", class_name: "function", config: "linear", registered_name: "function" },
          use_bias: true,
          kernel_initializer: { module: "keras.initializers", class_name: "Ones", config: {}, registered_name: null },
        },
        registered_name: null,
        build_config: { input_shape: [null, 2] },
        name,
        inbound_nodes: [{ args: [{ class_name: "__keras_tensor__", config: { shape: [null, 2], dtype: "float32", keras_history: ["x", 0, 0] } }], kwargs: {} }],
      })),
      {
        module: "keras.layers",
        class_name: "Add",
        config: { name: "sum", trainable: true, dtype: float32Policy },
        registered_name: null,
        build_config: {
          input_shape: [
            [null, 1],
            [null, 1],
          ],
        },
        name: "sum",
        inbound_nodes: [{ args: [[keras3Tensor("a"), keras3Tensor("b")]], kwargs: {} }],
      },
    ],
    input_layers: ["x", 0, 0],
    output_layers: ["sum", 0, 0],
  },
  registered_name: null,
  build_config: { input_shape: null },
  compile_config: { optimizer: "adam", loss: "mse" },
} as unknown as KerasObjectConfig;

test("Keras 3 Functional config: policies, batch_shape, {args, kwargs} nodes and single endpoints become the Keras 2 form", () => {
  const normalized = normalizeKerasConfig(keras3Functional) as unknown as {
    class_name: string;
    config: Record<string, unknown> & { layers: Record<string, unknown>[] };
  } & Record<string, unknown>;
  assert.equal(normalized.class_name, "Functional");
  assert.equal("module" in normalized || "build_config" in normalized || "compile_config" in normalized || "registered_name" in normalized, false);
  const [input, dense, , add] = normalized.config.layers as { config: Record<string, unknown>; inbound_nodes: unknown }[];
  assert.deepEqual(input!.config, { batch_input_shape: [null, 2], dtype: "float32", sparse: false, name: "x" });
  assert.equal(dense!.config["dtype"], "float32");
  assert.equal(dense!.config["activation"], "linear");
  assert.deepEqual(dense!.config["kernel_initializer"], { class_name: "Ones", config: {} });
  assert.deepEqual(dense!.inbound_nodes, [[["x", 0, 0, {}]]]);
  assert.deepEqual(add!.inbound_nodes, [
    [
      ["a", 0, 0, {}],
      ["b", 0, 0, {}],
    ],
  ]);
  assert.deepEqual(normalized.config["input_layers"], [["x", 0, 0]]);
  assert.deepEqual(normalized.config["output_layers"], [["sum", 0, 0]]);
  // The input is left untouched.
  assert.equal((keras3Functional.config["layers"] as { config: Record<string, unknown> }[])[0]!.config["batch_shape"]!.toString(), ",2");
});

test("the normalized Keras 3 Functional config builds a two-branch tfjs model that computes a(x) + b(x)", async () => {
  const model = await modelFromKerasConfig(keras3Functional);
  assert.deepEqual(
    model.layers.map((layer) => layer.name),
    ["x", "a", "b", "sum"],
  );
  model.getLayer("a").setWeights([tfc.tensor2d([[1], [2]]), tfc.tensor1d([0.5])]);
  model.getLayer("b").setWeights([tfc.tensor2d([[3], [4]]), tfc.tensor1d([0])]);
  const output = model.predict(
    tfc.tensor2d([
      [1, 1],
      [2, -1],
    ]),
  ) as tfc.Tensor;
  // By hand: a = x·[1,2]+0.5, b = x·[3,4]; [1,1] → 3.5 + 7 = 10.5; [2,-1] → 0.5 + 2 = 2.5.
  assert.deepEqual(Array.from(output.dataSync()), [10.5, 2.5]);
  model.dispose();
});

test("legacy names and regularizers are translated (BatchNormalizationV1, UnifiedLSTM, L2 → L1L2)", () => {
  const normalized = normalizeKerasConfig({
    class_name: "Sequential",
    config: {
      name: "s",
      layers: [
        { class_name: "BatchNormalizationV1", config: { name: "bn" } },
        { class_name: "UnifiedLSTM", config: { name: "l", units: 2, kernel_regularizer: { class_name: "L2", config: { l2: 0.5 } } } },
      ],
    },
  }) as unknown as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  assert.deepEqual(
    normalized.config.layers.map((layer) => layer.class_name),
    ["BatchNormalization", "LSTM"],
  );
  assert.deepEqual(normalized.config.layers[1]!.config["kernel_regularizer"], { class_name: "L1L2", config: { l1: 0, l2: 0.5 } });
});

test("findUnknownClasses reports each unknown class once with its registered name, and honours customObjects", () => {
  const config = {
    class_name: "Sequential",
    config: {
      layers: [
        { class_name: "MyBlock", registered_name: "pkg>MyBlock", module: "my_module", config: {} },
        { class_name: "MyBlock", config: {} },
        { class_name: "Dense", config: { units: 1 } },
      ],
    },
  } as unknown as KerasObjectConfig;
  assert.deepEqual(findUnknownClasses(config), [{ className: "MyBlock", registeredName: "pkg>MyBlock", module: "my_module" }]);
  class MyBlock {
    static className = "MyBlock";
  }
  assert.deepEqual(findUnknownClasses(config, { MyBlock } as never), []);
});
