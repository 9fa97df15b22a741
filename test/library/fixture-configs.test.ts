// Must show 3: the model configs inside the real Python-written files (model_config of .h5,
// config.json of .keras, keras_metadata.pb of the tf.keras SavedModel) deserialize into models
// whose layers and parameter counts equal the reference JSON written by an independent h5py reader.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as tfl from "@tensorflow/tfjs-layers";
import * as keras from "../../lib/keras/index.js";
import { Hdf5File } from "../../lib/formats/hdf5/hdf5-file.js";
import { readLegacyH5Layout } from "../../lib/formats/hdf5/legacy-h5-layout.js";
import { readKerasArchive } from "../../lib/formats/keras-archive/keras-archive.js";
import { readSavedModelDirectory } from "../../lib/formats/savedmodel/saved-model-directory.js";
import { kerasMetadataEntries } from "../../lib/formats/savedmodel/keras-metadata.js";
import { UnknownKerasClassError } from "../../lib/keras/saving/keras-json/class-registry.js";
import { fixturePath, fixturesRoot, readReference, referenceParameterCount, type Reference } from "../keras-files/reference-fixtures.js";

/** Layer list of a Keras config as the reference summary writes it. */
function configLayers(config: { layers?: { class_name: string; config: { name: string } }[] }): { class_name: string; name: string }[] {
  return (config.layers ?? []).map((layer) => ({ class_name: layer.class_name, name: layer.config.name }));
}

async function h5ModelConfig(reference: Reference): Promise<unknown> {
  const file = await Hdf5File.open(fixturePath(reference));
  try {
    return readLegacyH5Layout(file).modelConfig;
  } finally {
    file.close();
  }
}

describe("configs from real Python-written files", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });

  for (const id of ["k2h5_2.3.1_cnn", "k2h5_2.3.1_lstm", "k2h5_2.4.0_conv", "k2h5_2.12.0_dense"]) {
    it(`${id}: model_config deserializes with the reference layers and parameter count`, async () => {
      const reference = readReference(id);
      const config = (await h5ModelConfig(reference)) as { class_name: string; config: object };
      const model = keras.models.modelFromJSON(JSON.stringify(config));
      const expectedClass = reference.model_config_summary!.class_name;
      assert.equal(model instanceof (expectedClass === "Sequential" ? keras.Sequential : keras.Model), true);
      // The rebuilt model's own config lists the same layers; Sequential may drop the InputLayer entry, which Keras 2 folds into the first layer.
      const rebuilt = configLayers(model.getConfig() as never);
      const expected = reference.model_config_summary!.layers!.filter((layer) => !(expectedClass === "Sequential" && layer.class_name === "InputLayer"));
      assert.deepEqual(
        rebuilt.filter((layer) => !(expectedClass === "Sequential" && layer.class_name === "InputLayer")),
        expected,
      );
      assert.equal(model.countParams(), referenceParameterCount(reference));
    });
  }

  it("k3_3.10.0_cnn: config.json (Keras 3 dialect) deserializes with the reference layers and parameter count", async () => {
    const reference = readReference("k3_3.10.0_cnn");
    const archive = await readKerasArchive(fixturePath(reference));
    const className = archive.config.class_name;
    const model = className === "Sequential" ? keras.Sequential.fromConfig(archive.config.config) : keras.Model.fromConfig(archive.config.config);
    const expected = reference.model_config_summary!.layers!.filter((layer) => layer.class_name !== "InputLayer");
    assert.deepEqual(
      model.layers.filter((layer) => layer.getClassName() !== "InputLayer").map((layer) => ({ class_name: layer.getClassName(), name: layer.name })),
      expected,
    );
    assert.equal(model.countParams(), referenceParameterCount(reference));
  });

  it("sm_k2_dense: the root config in keras_metadata.pb deserializes with the reference layers and the bundle's parameter count", () => {
    const raw = readReference("sm_k2_dense") as unknown as {
      keras_root_config_summary: { class_name: string; layers: { class_name: string; name: string }[] };
      bundle: { variables: { key: string; shape: number[] }[] };
    };
    const files = readSavedModelDirectory(join(fixturesRoot, "sm_k2_dense", "my_model"));
    const root = kerasMetadataEntries(files.kerasMetadata!).find((entry) => entry.nodePath === "root")!;
    const metadata = root.metadata as { class_name: string; config: object };
    assert.equal(metadata.class_name, raw.keras_root_config_summary.class_name);
    const model = keras.Sequential.fromConfig(metadata.config);
    // Like Keras: the InputLayer entry becomes the model's input (not one of `layers`), and getConfig lists it again.
    assert.deepEqual(
      model.layers.map((layer) => ({ class_name: layer.getClassName(), name: layer.name })),
      raw.keras_root_config_summary.layers.filter((layer) => layer.class_name !== "InputLayer"),
    );
    assert.deepEqual(configLayers(model.getConfig() as never), raw.keras_root_config_summary.layers);
    // Model variables in the bundle: layer_with_weights-K/<name>/.ATTRIBUTES/VARIABLE_VALUE (optimizer slots excluded).
    const parameters = raw.bundle.variables
      .filter((variable) => /^layer_with_weights-\d+\/[^/]+\/\.ATTRIBUTES\/VARIABLE_VALUE$/.test(variable.key))
      .reduce((total, variable) => total + variable.shape.reduce((product, size) => product * size, 1), 0);
    assert.equal(model.countParams(), parameters);
  });

  describe("k3_3.15.0_nested_custom (a registered custom subclassed model)", () => {
    it("without the class: the error names the class, its registered name and the three ways", async () => {
      const archive = await readKerasArchive(fixturePath(readReference("k3_3.15.0_nested_custom")));
      assert.throws(
        () => keras.models.modelFromJSON(JSON.stringify(archive.config)),
        (error: unknown) => {
          assert.ok(error instanceof UnknownKerasClassError);
          assert.match(error.message, /"NestedDenseModel" \(registered in Python as "legacy_nested_container>NestedDenseModel"\)/);
          assert.match(error.message, /customObjects/);
          assert.match(error.message, /keras\.utils\.customObjectScope/);
          assert.match(
            error.message,
            /keras\.saving\.registerKerasSerializable\(\{ package: "legacy_nested_container", name: "NestedDenseModel" \}\)\(MyClass\)/,
          );
          return true;
        },
      );
    });

    it("loadModel with the class in customObjects rebuilds it and loads the file's weights", async () => {
      const reference = readReference("k3_3.15.0_nested_custom");
      class NestedDenseModelByArgument extends keras.Sequential {
        constructor(config: { name: string; num: number }) {
          const inner = Array.from({ length: config.num }, () => new keras.layers.Dense(4, { useBias: false }));
          super([keras.Input({ shape: [4] }), ...inner, new keras.layers.Dense(2)], { name: config.name });
        }
      }
      const model = await keras.models.loadModel(fixturePath(reference), { customObjects: { NestedDenseModel: NestedDenseModelByArgument } });
      assert.ok(model instanceof NestedDenseModelByArgument);
      // Weights come from the file: compare with the values h5py read (reference first_values).
      const weights = model.getWeights();
      reference.variables.forEach((variable, index) => {
        const actual = Array.from(weights[index]!.dataSync()).slice(0, variable.first_values.length);
        assert.deepEqual(weights[index]!.shape, variable.shape);
        actual.forEach((value, position) => assert.ok(Math.abs(value - variable.first_values[position]!) < 1e-6, `${variable.path}[${position}]`));
      });
    });

    it("with a TypeScript class registered under the same name it deserializes, with the file's parameter count", async () => {
      const reference = readReference("k3_3.15.0_nested_custom");
      const archive = await readKerasArchive(fixturePath(reference));
      /** The Python class: `num` bias-free Dense(4) layers then Dense(2), on 4 features (build_config). */
      class NestedDenseModel extends keras.Sequential {
        readonly num: number;
        constructor(config: { name: string; num: number }) {
          const inner = Array.from({ length: config.num }, () => new keras.layers.Dense(4, { useBias: false }));
          super([keras.Input({ shape: [4] }), ...inner, new keras.layers.Dense(2)], { name: config.name });
          this.num = config.num;
        }
      }
      keras.saving.registerKerasSerializable({ package: "legacy_nested_container" })(NestedDenseModel);
      assert.equal(keras.saving.getRegisteredName(NestedDenseModel), "legacy_nested_container>NestedDenseModel");
      const model = keras.models.modelFromJSON(JSON.stringify(archive.config));
      assert.ok(model instanceof NestedDenseModel);
      assert.equal(model.name, "nested_dense_model");
      assert.equal(model.num, 3);
      assert.equal(model.countParams(), referenceParameterCount(reference));
      assert.ok(model instanceof tfl.LayersModel);
    });
  });
});
