/**
 * Loss objects in model files. Python Keras records `compile(loss=SomeLoss(from_logits=True))` as the
 * loss's class and config, not just its name; without `from_logits` a reloaded model would treat
 * logits as probabilities and report a wrong loss (and train wrongly).
 */
import { BinaryCrossentropy, CategoricalCrossentropy, Loss, SparseCategoricalCrossentropy } from "../losses.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../../formats/keras-json/schema.js";

/** Where `Loss.asFunction()` keeps the loss object on the function tfjs-layers compiles with. */
export const kerasLossKey = Symbol.for("tskeras.kerasLoss");

type CrossentropyClass = typeof SparseCategoricalCrossentropy | typeof CategoricalCrossentropy | typeof BinaryCrossentropy;
const configurableLosses: Record<string, CrossentropyClass> = { SparseCategoricalCrossentropy, CategoricalCrossentropy, BinaryCrossentropy };

/** The crossentropy loss object a compiled model's loss came from, if it was one (only those have a config). */
export function configurableLossOf(loss: unknown): (Loss & { fromLogits: boolean }) | undefined {
  const object = loss instanceof Loss ? loss : (loss as Record<symbol, unknown> | undefined)?.[kerasLossKey];
  if (!(object instanceof Loss) || !(object.constructor.name in configurableLosses)) return undefined;
  return object as Loss & { fromLogits: boolean };
}

/** tf-keras 2's form (HDF5 `training_config`, SavedModel `keras_metadata.pb`). */
export function keras2LossConfig(loss: Loss & { fromLogits: boolean }): JsonObject {
  const config: JsonObject = { reduction: "auto", name: loss.name, from_logits: loss.fromLogits };
  if (loss instanceof SparseCategoricalCrossentropy) config["ignore_class"] = null;
  if (loss instanceof BinaryCrossentropy) Object.assign(config, { label_smoothing: 0, axis: -1 });
  return { class_name: loss.constructor.name, config };
}

/** Keras 3's form (`.keras` `compile_config`): module, class and config, reduction named as Keras 3 does. */
export function keras3LossConfig(loss: JsonValue): JsonValue {
  if (!isJsonObject(loss) || typeof loss["class_name"] !== "string" || !isJsonObject(loss["config"])) return loss;
  return { module: "keras.losses", class_name: loss["class_name"], config: { ...loss["config"], reduction: "sum_over_batch_size" }, registered_name: null };
}

/** A loss object from a saved `{class_name, config}` of a crossentropy, or undefined for anything else. */
export function lossFromKerasConfig(value: unknown): Loss | undefined {
  if (!isJsonObject(value as JsonValue) || typeof (value as JsonObject)["class_name"] !== "string") return undefined;
  const object = value as JsonObject;
  const lossClass = configurableLosses[(object["class_name"] as string).slice((object["class_name"] as string).lastIndexOf(">") + 1)];
  if (!lossClass) return undefined;
  const config = isJsonObject(object["config"]) ? object["config"] : {};
  return new lossClass({ fromLogits: config["from_logits"] === true });
}
