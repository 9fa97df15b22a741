/**
 * Plain TypeScript activation functions (`(x) => tf.Tensor`) as layer activations, as Keras takes
 * any Python function: `new keras.layers.Dense(4, { activation: scaledTanh })`. tfjs-layers only
 * takes its own activation objects, so the function is wrapped in one whose class name is the
 * name Keras writes for a function (its registered `package>name`, else the function's name).
 *
 * @example
 * function scaledTanh(x: tf.Tensor) { return tf.mul(tf.tanh(x), 1.5); }
 * const layer = new keras.layers.Dense(4, { activation: scaledTanh });
 * layer.getConfig().activation; // "scaledTanh"
 */
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-layers";
import { registeredNameOf } from "../saving/keras-json/custom-objects.js";

/** An activation written as a function of one tensor. */
export type ActivationFunction = (x: tfc.Tensor) => tfc.Tensor;

/** Layer options whose activation keys also take an {@link ActivationFunction}. */
export type WithActivationFunctions<Args> = {
  [Key in keyof Args]: Key extends "activation" | "recurrentActivation" ? Args[Key] | ActivationFunction : Args[Key];
};

/** Layer options (tfjs spelling) that name activations. */
export const activationOptionKeys = ["activation", "recurrentActivation"] as const;

/** The same keys in a Keras (snake_case) layer config. */
export const activationConfigKeys = ["activation", "recurrent_activation"] as const;

/** Keras's built-in activation names (`keras.activations`), which are never custom functions. */
const kerasActivationNames = new Set([
  "relu",
  "leaky_relu",
  "relu6",
  "softmax",
  "elu",
  "selu",
  "softplus",
  "softsign",
  "silu",
  "swish",
  "gelu",
  "tanh",
  "sigmoid",
  "exponential",
  "hard_sigmoid",
  "hard_silu",
  "hard_swish",
  "linear",
  "mish",
  "log_softmax",
  "crelu",
]);

type ActivationBase = abstract new () => tfc.serialization.Serializable & { apply(x: tfc.Tensor): tfc.Tensor };

/**
 * tfjs-layers's `Activation` base class. The package's Node entry is a bundle that does not export
 * it, and `getActivation` accepts only its instances, so it is taken from a registered activation.
 */
function tfjsActivationBase(): ActivationBase {
  const relu = tfc.serialization.SerializationMap.getMap().classNameMap["relu"];
  if (!relu) throw new Error("tfjs-layers has not registered its activations; is @tensorflow/tfjs-layers 4.22 installed?");
  return Object.getPrototypeOf(relu[0]) as ActivationBase;
}

const ActivationBaseClass = tfjsActivationBase();

/** A user's activation function as a tfjs-layers activation object. */
export class FunctionActivation extends ActivationBaseClass {
  /** @param savedName the name to save it under; by default the function's registered name or its own name */
  constructor(
    readonly fn: ActivationFunction,
    private readonly savedName?: string,
  ) {
    super();
  }

  override apply(x: tfc.Tensor): tfc.Tensor {
    return this.fn(x);
  }

  /** tfjs writes an activation as its class name: here the function's name, as Keras does. */
  override getClassName(): string {
    const name = this.savedName ?? registeredNameOf(this.fn) ?? this.fn.name;
    if (!name) {
      throw new Error(
        "This layer's activation is an anonymous function, which cannot be saved: Keras records activation functions by name. " +
          "Declare it with a name (function scaledTanh(x: tf.Tensor) { ... } or const scaledTanh = (x: tf.Tensor) => ...) and pass that.",
      );
    }
    return name;
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return {};
  }
}

/** The layer options with function activations wrapped for tfjs (other values untouched). */
export function withFunctionActivations<Args>(args: Args): Args {
  if (args === null || typeof args !== "object") return args;
  const record = args as Record<string, unknown>;
  if (!activationOptionKeys.some((key) => isActivationFunction(record[key]))) return args;
  const result: Record<string, unknown> = { ...record };
  for (const key of activationOptionKeys) {
    const value = record[key];
    if (isActivationFunction(value)) result[key] = new FunctionActivation(value);
  }
  return result as Args;
}

/** A plain function (not a class, not already an activation object). */
export function isActivationFunction(value: unknown): value is ActivationFunction {
  return typeof value === "function" && !/^class[\s{]/.test(Function.prototype.toString.call(value));
}

/** Whether a saved activation name is one of Keras's or tfjs's built-in activations rather than a user's function. */
export function isBuiltinActivationName(name: string): boolean {
  if (kerasActivationNames.has(name)) return true;
  const camel = name.replace(/_+([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
  const entry = tfc.serialization.SerializationMap.getMap().classNameMap[camel];
  return entry !== undefined && entry[0].prototype instanceof ActivationBaseClass;
}
