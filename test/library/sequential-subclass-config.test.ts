import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import * as keras from "../../lib/keras/index.js";

describe("a registered subclass of Sequential without its own getConfig", () => {
  before(async () => {
    await tfc.setBackend("cpu");
  });

  it("writes its layers in Keras spelling (class_name, snake_case), as Keras's Sequential.get_config does", () => {
    class TwoDense extends keras.Sequential {
      constructor() {
        super([keras.Input({ shape: [4] }), new keras.layers.Dense(3, { useBias: false, name: "first" }), new keras.layers.Dense(2, { name: "second" })], {
          name: "two_dense",
        });
      }
    }
    keras.saving.registerKerasSerializable({ package: "tests" })(TwoDense);
    const config = new TwoDense().getConfig() as { name: string; layers: Array<Record<string, unknown> & { config: Record<string, unknown> }> };
    assert.equal(config.name, "two_dense");
    assert.deepEqual(
      config.layers.map((layer) => layer["class_name"]),
      ["InputLayer", "Dense", "Dense"],
    );
    // tfjs's own spelling (className, useBias) must not leak into a file Python reads.
    assert.doesNotMatch(JSON.stringify(config), /"className"|"useBias"/);
    assert.equal(config.layers[1]!.config["use_bias"], false);
  });
});
