// Mirrors the Keras "Save and load" serialization sections: get_config/from_config, to_json/
// model_from_json, layer serialize/deserialize and custom objects three ways.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import * as keras from "../../lib/keras/index.js";
import { UnknownKerasClassError } from "../../lib/keras/saving/keras-json/class-registry.js";

function values(tensor: tfc.Tensor | tfc.Tensor[]): number[] {
  return Array.from((tensor as tfc.Tensor).dataSync());
}

function functionalModel(): keras.Model {
  const inputs = keras.Input({ shape: [3], name: "features" });
  const hidden = new keras.layers.Dense(4, { activation: "relu", name: "hidden" }).apply(inputs);
  const outputs = new keras.layers.Dense(2, { name: "scores" }).apply(hidden);
  return new keras.Model(inputs, outputs, { name: "scorer" });
}

/** A custom layer multiplying its input by a constant (docs: "custom layer with get_config"). */
class ScaleLayer extends keras.layers.Layer {
  static className = "ScaleLayer";
  readonly factor: number;
  constructor(config: { factor: number; name?: string }) {
    super({ name: config.name });
    this.factor = config.factor;
  }
  override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
    return tfc.mul(Array.isArray(inputs) ? inputs[0]! : inputs, this.factor);
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}

function modelWithScale(factor: number): keras.Model {
  const inputs = keras.Input({ shape: [2], name: "x" });
  const outputs = new ScaleLayer({ factor, name: "scale" }).apply(inputs) as tfl.SymbolicTensor;
  return new keras.Model(inputs, outputs, { name: "scaled" });
}

describe("Keras serialization", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });

  it("getConfig is a plain Keras-schema object (snake_case keys, Keras 2 inbound nodes)", () => {
    const config = functionalModel().getConfig() as Record<string, unknown> & { layers: Record<string, unknown>[] };
    assert.equal(config["name"], "scorer");
    assert.deepEqual(config["input_layers"], [["features", 0, 0]]);
    assert.deepEqual(config["output_layers"], [["scores", 0, 0]]);
    const hidden = config.layers[1]! as { class_name: string; name: string; config: Record<string, unknown>; inbound_nodes: unknown };
    assert.equal(hidden.class_name, "Dense");
    assert.equal(hidden.config["units"], 4);
    assert.equal(hidden.config["use_bias"], true);
    assert.equal(hidden.config["activation"], "relu");
    assert.deepEqual(hidden.inbound_nodes, [[["features", 0, 0, {}]]]);
    // The config is JSON data, nothing else.
    assert.deepEqual(JSON.parse(JSON.stringify(config)), config);
  });

  it("functional get_config/from_config: same config after the round trip, same predictions after setWeights", () => {
    const model = functionalModel();
    const config = model.getConfig();
    const copy = keras.Model.fromConfig(config);
    assert.ok(copy instanceof keras.Model);
    assert.deepEqual(copy.getConfig(), config);
    copy.setWeights(model.getWeights());
    const x = tfc.tensor2d([
      [1, -2, 3],
      [0.5, 0.25, -1],
    ]);
    assert.deepEqual(values(copy.predict(x)), values(model.predict(x)));
  });

  it("Sequential get_config/from_config round trip keeps the config and, with the weights, the predictions", () => {
    const model = new keras.Sequential(
      [new keras.layers.Dense(3, { inputShape: [2], activation: "tanh" }), new keras.layers.Dropout(0.5), new keras.layers.Dense(1)],
      { name: "stack" },
    );
    const config = model.getConfig();
    const copy = keras.Sequential.fromConfig(config);
    assert.ok(copy instanceof keras.Sequential);
    assert.deepEqual(copy.getConfig(), config);
    assert.deepEqual(
      copy.layers.map((layer) => layer.getClassName()),
      ["Dense", "Dropout", "Dense"],
    );
    copy.setWeights(model.getWeights());
    const x = tfc.tensor2d([
      [0.1, 0.2],
      [-3, 4],
    ]);
    assert.deepEqual(values(copy.predict(x)), values(model.predict(x)));
  });

  it("toJSON writes {class_name, config, keras_version, backend}; modelFromJSON rebuilds the model", () => {
    const model = functionalModel();
    const json = model.toJSON();
    assert.equal(typeof json, "string");
    const parsed = JSON.parse(json) as Record<string, unknown>;
    assert.equal(parsed["class_name"], "Functional");
    assert.equal(parsed["backend"], "tensorflow");
    assert.equal(typeof parsed["keras_version"], "string");
    assert.deepEqual(parsed["config"], model.getConfig());
    const copy = keras.models.modelFromJSON(json);
    assert.deepEqual(
      copy.layers.map((layer) => layer.name),
      ["features", "hidden", "scores"],
    );
    assert.equal(copy.countParams(), 3 * 4 + 4 + 4 * 2 + 2);
  });

  it("accepts the Keras 3 spellings: module, registered_name, build_config, DTypePolicy, batch_shape", () => {
    const policy = { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null };
    const model = keras.Sequential.fromConfig({
      name: "k3",
      layers: [
        { module: "keras.layers", class_name: "InputLayer", config: { batch_shape: [null, 5], dtype: "float32", name: "in" }, registered_name: null },
        {
          module: "keras.layers",
          class_name: "Dense",
          config: {
            name: "d",
            dtype: policy,
            units: 7,
            activation: { module: "keras.activations", class_name: "function", config: "relu", registered_name: "function" },
          },
          registered_name: null,
          build_config: { input_shape: [null, 5] },
        },
      ],
    });
    const dense = model.getLayer("d");
    assert.equal(dense.countParams(), 5 * 7 + 7);
    assert.equal((dense.getConfig() as { activation: string }).activation, "relu");
  });

  it("layer getConfig has typed Keras fields; Dense.fromConfig and layers.serialize/deserialize rebuild it", () => {
    const layer = new keras.layers.Dense(3, { useBias: false, name: "three" });
    const units: number = layer.getConfig().units;
    assert.equal(units, 3);
    assert.equal(layer.getConfig().use_bias, false);
    const copy = keras.layers.Dense.fromConfig(layer.getConfig());
    assert.ok(copy instanceof keras.layers.Dense);
    assert.deepEqual(copy.getConfig(), layer.getConfig());
    const serialized = keras.layers.serialize(layer);
    assert.equal(serialized.class_name, "Dense");
    const rebuilt = keras.layers.deserialize(serialized);
    assert.ok(rebuilt instanceof keras.layers.Dense);
    assert.equal(rebuilt.name, "three");
  });

  describe("custom objects three ways", () => {
    it("unknown custom class: the error names it and the three ways", () => {
      const json = modelWithScale(3).toJSON();
      assert.throws(
        () => keras.models.modelFromJSON(json),
        (error: unknown) => {
          assert.ok(error instanceof UnknownKerasClassError);
          assert.match(error.message, /"ScaleLayer"/);
          assert.match(error.message, /customObjects/);
          assert.match(error.message, /customObjectScope/);
          assert.match(error.message, /registerKerasSerializable/);
          return true;
        },
      );
    });

    it("1. customObjects argument (modelFromJSON and fromConfig)", () => {
      const model = modelWithScale(3);
      const x = tfc.tensor2d([[1, 2]]);
      const fromJson = keras.models.modelFromJSON(model.toJSON(), { ScaleLayer });
      // By hand: 3 × [1, 2].
      assert.deepEqual(values(fromJson.predict(x)), [3, 6]);
      const fromConfig = keras.Model.fromConfig(model.getConfig(), { customObjects: { ScaleLayer } });
      assert.deepEqual(values(fromConfig.predict(x)), [3, 6]);
      assert.equal((fromConfig.getLayer("scale") as ScaleLayer).factor, 3);
    });

    it("2. customObjectScope, with sync and async bodies (the scope lasts until the promise settles)", async () => {
      const config = modelWithScale(-2).getConfig();
      const sync = keras.utils.customObjectScope({ ScaleLayer }, () => keras.Model.fromConfig(config));
      assert.deepEqual(values(sync.predict(tfc.tensor2d([[1, 2]]))), [-2, -4]);
      const pending = keras.utils.customObjectScope({ ScaleLayer }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return keras.Model.fromConfig(config);
      });
      const later = await pending;
      assert.deepEqual(values(later.predict(tfc.tensor2d([[0.5, 1]]))), [-1, -2]);
      // Outside the scope the class is unknown again.
      assert.throws(() => keras.Model.fromConfig(config), UnknownKerasClassError);
    });

    it("3. registerKerasSerializable as a function: registered_name is written and the model rebuilds anywhere", () => {
      class OffsetLayer extends keras.layers.Layer {
        readonly offset: number;
        constructor(config: { offset: number; name?: string }) {
          super({ name: config.name });
          this.offset = config.offset;
        }
        override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
          return tfc.add(Array.isArray(inputs) ? inputs[0]! : inputs, this.offset);
        }
        override getConfig(): tfc.serialization.ConfigDict {
          return { ...super.getConfig(), offset: this.offset };
        }
        /** Keras's one-argument from_config is called when a class defines it. */
        static override fromConfig = ((config: { offset: number; name?: string }) => new OffsetLayer({ ...config, offset: config.offset * 10 })) as never;
      }
      keras.saving.registerKerasSerializable({ package: "MyLayers" })(OffsetLayer);
      assert.equal(keras.saving.getRegisteredName(OffsetLayer), "MyLayers>OffsetLayer");
      assert.equal(keras.saving.getRegisteredObject("MyLayers>OffsetLayer"), OffsetLayer);
      const layer = new OffsetLayer({ offset: 1, name: "plus" });
      const serialized = keras.layers.serialize(layer);
      // Keras's base Layer.get_config() has name, trainable and dtype (the custom-layers guide prints all three).
      assert.deepEqual(serialized, {
        class_name: "OffsetLayer",
        config: { name: "plus", trainable: true, dtype: "float32", offset: 1 },
        registered_name: "MyLayers>OffsetLayer",
      });
      const rebuilt = keras.layers.deserialize<OffsetLayer>(serialized);
      assert.ok(rebuilt instanceof OffsetLayer);
      // The class's own fromConfig ran (it multiplies by 10), not `new OffsetLayer(config)`.
      assert.equal(rebuilt.offset, 10);
    });

    it("3b. registerKerasSerializable as a class decorator", () => {
      @keras.saving.registerKerasSerializable({ package: "Deco", name: "Twice" })
      class Twice extends keras.layers.Layer {
        override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
          return tfc.mul(Array.isArray(inputs) ? inputs[0]! : inputs, 2);
        }
      }
      assert.equal(keras.saving.getRegisteredName(Twice), "Deco>Twice");
      const inputs = keras.Input({ shape: [1], name: "t_in" });
      const model = new keras.Model(inputs, new Twice({ name: "twice" }).apply(inputs) as tfl.SymbolicTensor, { name: "deco" });
      const json = JSON.parse(model.toJSON()) as { config: { layers: { class_name: string; registered_name?: string }[] } };
      assert.equal(json.config.layers[1]!.registered_name, "Deco>Twice");
      const copy = keras.models.modelFromJSON(JSON.stringify(json));
      assert.deepEqual(values(copy.predict(tfc.tensor2d([[4]]))), [8]);
    });

    it("3c. a class redefined under a registered class's name is not taken for the registered one (notebooks redefine classes)", () => {
      const makeClass = (factor: number) =>
        class Doubler extends keras.layers.Layer {
          override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
            return tfc.mul(Array.isArray(inputs) ? inputs[0]! : inputs, factor);
          }
        };
      const Registered = makeClass(2);
      const Redefined = makeClass(3);
      keras.saving.registerKerasSerializable({ package: "First" })(Registered);
      const inputs = keras.Input({ shape: [1], name: "d_in" });
      const model = new keras.Model(inputs, new Redefined({ name: "tripler" }).apply(inputs) as tfl.SymbolicTensor, { name: "redefined" });
      const layers = model.getConfig()["layers"] as Array<{ class_name: string; registered_name?: string }>;
      assert.equal(layers[1]!.class_name, "Doubler");
      // Only the registered class carries "First>Doubler"; this layer's class is another one.
      assert.equal(layers[1]!.registered_name, undefined);
      const copy = keras.Model.fromConfig(model.getConfig(), { customObjects: { Doubler: Redefined } });
      assert.ok(copy.layers[1] instanceof Redefined);
      assert.deepEqual(values(copy.predict(tfc.tensor2d([[4]]))), [12]);
      // A model of the registered class still names it.
      const registeredModel = new keras.Model(inputs, new Registered({ name: "doubler" }).apply(inputs) as tfl.SymbolicTensor, { name: "registered" });
      assert.equal((registeredModel.getConfig()["layers"] as Array<{ registered_name?: string }>)[1]!.registered_name, "First>Doubler");
    });
  });
});
