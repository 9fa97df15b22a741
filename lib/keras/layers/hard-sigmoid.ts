/**
 * `hard_sigmoid` changed meaning between Keras versions: Keras 2 (and tfjs's `hardSigmoid`) computes
 * clip(0.2·x + 0.5, 0, 1); Keras 3 computes relu6(x + 3) / 6 = clip(x/6 + 0.5, 0, 1). A file means
 * what the Keras that wrote it meant, so loading rewrites `hard_sigmoid` in Keras 3 files (and in
 * files tskeras wrote, which Keras 3 reads) to {@link Keras3HardSigmoid}; Keras 2 files keep tfjs's.
 * In TypeScript, the Keras name `"hard_sigmoid"` is Keras 3's (Keras is right); tfjs's spelling
 * `"hardSigmoid"` stays tfjs's.
 *
 * @example
 * new keras.layers.Activation("hard_sigmoid"); // relu6(x + 3) / 6, written as "hard_sigmoid"
 */
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-layers";

type ActivationBase = abstract new () => tfc.serialization.Serializable & { apply(x: tfc.Tensor): tfc.Tensor };
const relu = tfc.serialization.SerializationMap.getMap().classNameMap["relu"];
if (!relu) throw new Error("tfjs-layers has not registered its activations; is @tensorflow/tfjs-layers 4.22 installed?");
const ActivationBaseClass = Object.getPrototypeOf(relu[0]) as ActivationBase;

/** The tfjs-side name of Keras 3's hard sigmoid; written to Keras files as `hard_sigmoid`. */
export const keras3HardSigmoidName = "keras3HardSigmoid";

/** Keras 3's `keras.activations.hard_sigmoid`: relu6(x + 3) / 6. */
export class Keras3HardSigmoid extends ActivationBaseClass {
  static className = keras3HardSigmoidName;
  override apply(x: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => tfc.div(tfc.relu6(tfc.add(x, 3)), 6));
  }
  override getClassName(): string {
    return keras3HardSigmoidName;
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return {};
  }
}
tfc.serialization.registerClass(Keras3HardSigmoid as unknown as tfc.serialization.SerializableConstructor<tfc.serialization.Serializable>);

const activationKeys = new Set(["activation", "recurrent_activation"]);

/** Whether a file's `keras_version` means Keras 2's hard sigmoid: Keras 2.x, unless tskeras wrote it. */
export function usesKeras2HardSigmoid(kerasVersion: string | null | undefined): boolean {
  return typeof kerasVersion === "string" && /^2\./.test(kerasVersion) && !kerasVersion.includes("tskeras");
}

/**
 * A Keras JSON config with `hard_sigmoid` activations bound to the meaning of the Keras version
 * that wrote it (a copy; the input is not changed).
 */
export function withVersionedHardSigmoid<T>(config: T, kerasVersion: string | null | undefined): T {
  if (usesKeras2HardSigmoid(kerasVersion)) return config;
  const rewrite = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => rewrite(item));
    if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      // Keras 3 may write a built-in activation as {module: "keras.activations", class_name: "function", config: "hard_sigmoid"}.
      if (key !== undefined && activationKeys.has(key) && record["class_name"] === "function" && record["config"] === "hard_sigmoid")
        return "keras3_hard_sigmoid";
      return Object.fromEntries(Object.entries(record).map(([entryKey, entry]) => [entryKey, rewrite(entry, entryKey)]));
    }
    if (key !== undefined && activationKeys.has(key) && value === "hard_sigmoid") return "keras3_hard_sigmoid";
    return value;
  };
  return rewrite(config) as T;
}
