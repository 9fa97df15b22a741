/**
 * Python `keras.utils`: `customObjectScope(objects, body)` and `registerKerasSerializable`, which
 * Keras exports here as well as under `keras.saving`.
 *
 * @example
 * const model = keras.utils.customObjectScope({ CustomLayer }, () => keras.Model.fromConfig(config));
 * keras.utils.registerKerasSerializable({ package: "MyLayers" })(CustomLayer);
 */
export { customObjectScope, registerKerasSerializable } from "./saving/serialization.js";
