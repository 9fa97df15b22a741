/**
 * Python `keras.utils`: `customObjectScope(objects, body)`, `setRandomSeed(seed)` and
 * `registerKerasSerializable`, which Keras exports here as well as under `keras.saving`.
 *
 * @example
 * const model = keras.utils.customObjectScope({ CustomLayer }, () => keras.Model.fromConfig(config));
 * keras.utils.registerKerasSerializable({ package: "MyLayers" })(CustomLayer);
 * keras.utils.setRandomSeed(42);
 */
export { customObjectScope, registerKerasSerializable } from "./saving/serialization.js";
export { setRandomSeed } from "./random-seed.js";
