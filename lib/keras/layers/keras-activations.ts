/**
 * Keras's snake_case activation names in layer options (`"log_softmax"`, `"hard_silu"`), respelled
 * the way tfjs resolves activation names. The activations tfjs lacks are registered under both
 * spellings by ../activations.ts (the one table of Keras activations), imported here so that every
 * layer class, which goes through this module, finds them.
 *
 * @example
 * withKerasActivationNames({ activation: "hard_silu" }); // { activation: "hardSilu" }
 */
import "../activations.js";
import { keras3HardSigmoidName } from "./hard-sigmoid.js";

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
