import type * as tfl from "@tensorflow/tfjs-layers";
import type { JsonObject } from "../saving/keras-json/schema.js";

/**
 * `Sequential([keras.Input({ shape }), ...])` keeps its input shape in the config: tfjs records
 * `batch_input_shape` only on a first layer created with `inputShape`, so without this the config
 * would rebuild into a model with no input shape. The first layer gets `batch_input_shape` and
 * `dtype`, which Keras 2 reads as the model's input (as it writes for `Dense(..., input_shape=...)`).
 */
export function withInputLayer(model: tfl.Sequential, config: JsonObject): JsonObject {
  const layers = config["layers"];
  if (!Array.isArray(layers) || layers.length === 0) return config;
  const first = layers[0] as JsonObject;
  const firstConfig = first["config"] as JsonObject | undefined;
  if (!firstConfig || first["class_name"] === "InputLayer" || firstConfig["batch_input_shape"] !== undefined) return config;
  const input = model.inputs?.[0];
  if (!input) return config;
  const firstWithShape = { ...first, config: { ...firstConfig, batch_input_shape: [...input.shape], dtype: input.dtype } };
  return { ...config, layers: [firstWithShape, ...layers.slice(1)] };
}
