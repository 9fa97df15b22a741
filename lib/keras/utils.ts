/**
 * Python `keras.utils`: `customObjectScope(objects, body)`, `setRandomSeed(seed)`.
 *
 * @example
 * const model = keras.utils.customObjectScope({ CustomLayer }, () => keras.Model.fromConfig(config));
 * keras.utils.setRandomSeed(42);
 */
export { customObjectScope } from "./saving/serialization.js";
export { setRandomSeed } from "./random-seed.js";
