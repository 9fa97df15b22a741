/**
 * Python `keras.saving`: registration of custom objects and (de)serialization helpers.
 *
 * @example
 * keras.saving.registerKerasSerializable({ package: "MyLayers" })(CustomLayer);
 * keras.saving.getRegisteredName(CustomLayer); // "MyLayers>CustomLayer"
 */
export {
  registerKerasSerializable,
  getRegisteredName,
  getRegisteredObject,
  customObjectScope,
  serialize as serializeKerasObject,
  deserialize as deserializeKerasObject,
} from "./serialization.js";
export type { RegisterOptions, FromConfigOptions, CustomObjectMap } from "./serialization.js";
export { loadModel } from "../models/keras-model.js";
export { saveModel, saveWeights, loadWeights, type SavedFormat, type SaveModelOptions, type SaveWeightsOptions, type LoadWeightsOptions } from "./api.js";
