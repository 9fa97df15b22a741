/**
 * One way to put a tfjs-layers class under its Keras name with Keras's constructor convention:
 * Python's positional arguments stay positional (in Python's order), keyword arguments become one
 * trailing options object, and options left out take Keras's default (e.g. `glorot_uniform`
 * kernels, where tfjs would use `glorot_normal`).
 *
 * @example
 * export const Conv1D = kerasLayerClass<typeof TfConv1D, ConvLayerArgs, [filters: number, kernelSize: number | number[]]>(
 *   "Conv1D", ["filters", "kernelSize"], { kernelInitializer: "glorotUniform" });
 * new Conv1D(8, 3, { padding: "same" });
 */
import type * as tfl from "@tensorflow/tfjs-layers";
import { withKerasName } from "../../util/naming.js";
import { markLibraryClass } from "../library-classes.js";
import { registeredLayerClass, type WithTypedApply } from "./registered-class.js";

/** The class: `new X(...positional, options?)` or `new X(options)`, with the typed `apply` of the built-in classes. */
export type KerasLayerClass<C extends new (...args: never[]) => tfl.layers.Layer, Args, Positional extends unknown[], Extra = unknown> = Omit<
  WithTypedApply<C>,
  never
> & {
  new (options?: Args): Extra & InstanceType<WithTypedApply<C>>;
  new (...args: [...Positional, Partial<Args>?]): Extra & InstanceType<WithTypedApply<C>>;
};

/** A plain `{...}` options object (not an array, tensor, layer or shape). */
export function isPlainOptions(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Python-style arguments → one options object: leading values fill `positional` keys in order, a
 * trailing plain object holds the rest. Throws naming the signature when there are too many values.
 */
export function optionsFromArguments(className: string, positional: readonly string[], args: unknown[]): Record<string, unknown> {
  const last = args[args.length - 1];
  const hasOptions = args.length > 0 && isPlainOptions(last);
  const values = hasOptions ? args.slice(0, -1) : args;
  if (values.length > positional.length) {
    const signature = [...positional, "options"].join(", ");
    throw new Error(
      `${className}(${signature}) takes ${positional.length} positional argument${positional.length === 1 ? "" : "s"} before the options object, but got ${values.length}. Pass the rest as options, e.g. new keras.layers.${className}(${positional.map((key) => key).join(", ")}${positional.length ? ", " : ""}{ ... }).`,
    );
  }
  const options: Record<string, unknown> = hasOptions ? { ...(last as Record<string, unknown>) } : {};
  values.forEach((value, index) => {
    if (value !== undefined) options[positional[index]!] = value;
  });
  return options;
}

/** Options without keys explicitly set to `undefined`, so Keras defaults still apply to them. */
function defined(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/**
 * The tfjs-layers class registered as `className`, constructible as Keras's `keras.layers.<className>`.
 * `defaults` are Keras's defaults where tfjs's differ (in tfjs spelling; see registeredLayerClass); `required` positional
 * arguments are checked with a message that shows the call.
 */
export function kerasLayerClass<C extends new (...args: never[]) => tfl.layers.Layer, Args, Positional extends unknown[], Extra = unknown>(
  className: string,
  positional: readonly string[] = [],
  defaults: Partial<Record<string, unknown>> = {},
  required: readonly string[] = [],
): KerasLayerClass<C, Args, Positional, Extra> {
  const Base = registeredLayerClass<C>(className, defaults) as unknown as new (args: unknown) => tfl.layers.Layer;
  const KerasNamed = class extends Base {
    constructor(...args: unknown[]) {
      const options = defined(optionsFromArguments(className, positional, args));
      const missing = required.filter((key) => options[key] === undefined);
      if (missing.length > 0) {
        throw new Error(
          `${className} needs ${missing.join(" and ")}: new keras.layers.${className}(${positional.join(", ")}${positional.length ? ", " : ""}{ ... }) or new keras.layers.${className}({ ${missing.map((key) => `${key}: ...`).join(", ")} }).`,
        );
      }
      super(withKerasName(options, className));
    }
  };
  Object.defineProperty(KerasNamed, "name", { value: className });
  markLibraryClass(KerasNamed);
  return KerasNamed as unknown as KerasLayerClass<C, Args, Positional, Extra>;
}
