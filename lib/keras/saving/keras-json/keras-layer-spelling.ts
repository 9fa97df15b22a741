/**
 * The last mile from tfjs's `getConfig()` (already snake_case) to what Keras's `get_config()` returns
 * for the same layer, where tfjs's keys or values differ from Keras's and Keras rejects or misreads
 * ours: a wrapper's nested layer carries its `module` (Keras 3's `Wrapper.from_config` needs it, in a
 * `.h5` too), `SpatialDropout*` takes only `rate, seed, name, dtype`, `ConvLSTM2D` has no
 * `implementation`, and the `swish`/`hard_swish` aliases are written under their functions' names.
 *
 * @example
 * kerasLayerSpelling("SpatialDropout1D", { rate: 0.5, noise_shape: null, seed: null, name: "s", trainable: true });
 * // { rate: 0.5, seed: null, name: "s", dtype: "float32" }
 */
import { isJsonObject, isKerasObject, type JsonObject } from "../../../formats/keras-json/schema.js";
import { activationConfigKeys } from "../../layers/function-activation.js";
import { keras3NestedLayer } from "./keras3-serialize.js";

/** Keras writes an activation alias under its function's name (`keras.activations.serialize`). */
const aliasedActivations: Record<string, string> = { swish: "silu", hard_swish: "hard_silu" };

export function kerasLayerSpelling(className: string, config: JsonObject): JsonObject {
  const result: JsonObject = { ...config };
  for (const key of activationConfigKeys) {
    const value = result[key];
    if (typeof value === "string" && aliasedActivations[value] !== undefined) result[key] = aliasedActivations[value];
  }
  if (isKerasObject(result["layer"]) && isJsonObject(result["layer"]["config"])) result["layer"] = keras3NestedLayer(result["layer"] as unknown as JsonObject);
  if (className === "ConvLSTM2D") delete result["implementation"];
  if (className.startsWith("SpatialDropout")) {
    // Keras's SpatialDropout constructors take exactly these (no trainable, no noise_shape).
    return {
      rate: result["rate"] ?? null,
      seed: result["seed"] ?? null,
      name: result["name"] ?? null,
      dtype: typeof result["dtype"] === "string" ? result["dtype"] : "float32",
    };
  }
  return result;
}
