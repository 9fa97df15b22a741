/**
 * Keras 3 activations tfjs-layers lacks (`keras.activations.silu`, `hard_silu`, `leaky_relu`,
 * `exponential`), registered as tfjs activation classes under the camelCase spelling of their Keras
 * names, so Keras files that use them load and tskeras writes them back by their Keras names. Also
 * lets TypeScript name any activation the Keras way (`"log_softmax"`, `"hard_silu"`).
 *
 * @example
 * new keras.layers.Activation("hard_silu");   // x * relu6(x + 3) / 6, written as "hard_silu"
 */
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-layers";
import { keras3HardSigmoidName } from "./hard-sigmoid.js";

type ActivationBase = abstract new () => tfc.serialization.Serializable & { apply(x: tfc.Tensor): tfc.Tensor };
const registry = tfc.serialization.SerializationMap.getMap().classNameMap;
const ActivationBaseClass = Object.getPrototypeOf(registry["relu"]![0]) as ActivationBase;

/** One activation class per Keras name (camelCase, as tfjs resolves names). */
function register(className: string, fn: (x: tfc.Tensor) => tfc.Tensor): void {
  const Activation = class extends ActivationBaseClass {
    static className = className;
    override apply(x: tfc.Tensor): tfc.Tensor {
      return tfc.tidy(() => fn(x));
    }
    override getClassName(): string {
      return className;
    }
    override getConfig(): tfc.serialization.ConfigDict {
      return {};
    }
  };
  tfc.serialization.registerClass(Activation as unknown as tfc.serialization.SerializableConstructor<tfc.serialization.Serializable>);
}

const hardSilu = (x: tfc.Tensor) => tfc.mul(x, tfc.div(tfc.relu6(tfc.add(x, 3)), 6));
register("silu", (x) => tfc.mul(x, tfc.sigmoid(x)));
register("hardSilu", hardSilu);
register("hardSwish", hardSilu);
// Keras 3's keras.activations.leaky_relu(x, negative_slope=0.2).
register("leakyRelu", (x) => tfc.leakyRelu(x, 0.2));
register("exponential", (x) => tfc.exp(x));

/**
 * Layer options (tfjs spelling) whose activation names use Keras's snake_case: respelled as tfjs
 * resolves them; `"hard_sigmoid"` is Keras 3's (see ./hard-sigmoid.ts).
 */
export function withKerasActivationNames<Args>(args: Args): Args {
  if (args === null || typeof args !== "object") return args;
  const record = args as Record<string, unknown>;
  let result: Record<string, unknown> | undefined;
  for (const key of ["activation", "recurrentActivation"]) {
    const value = record[key];
    if (typeof value !== "string" || !value.includes("_")) continue;
    result ??= { ...record };
    result[key] = value === "hard_sigmoid" ? keras3HardSigmoidName : value.replace(/_+([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
  }
  return (result ?? args) as Args;
}
