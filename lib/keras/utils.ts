/**
 * Python `keras.utils`: `customObjectScope(objects, body)`.
 *
 * @example
 * const model = keras.utils.customObjectScope({ CustomLayer }, () => keras.Model.fromConfig(config));
 */
export { customObjectScope } from "./saving/serialization.js";
