import "../../backend/gradients.js";
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { toKerasConfig } from "../saving/keras-json/case-conversion.js";
import { kerasLayerConfig } from "../saving/keras-json/keras3-serialize.js";
import { withFunctionActivations } from "./function-activation.js";
import { withKerasActivationNames } from "./keras-activations.js";
import { prepareKerasConfig, withKerasClasses } from "../saving/keras-json/deserialize.js";
import type { CustomObjectMap } from "../saving/keras-json/custom-objects.js";
import type { JsonObject } from "../../formats/keras-json/schema.js";
import { markLibraryClass } from "../library-classes.js";

/**
 * tfjs-layers exports its layer classes only through factories (`tf.layers.dense`), but every class
 * registers itself for deserialization; the registry hands us the class itself so we can subclass it.
 * The class returned adds Keras's serialization face: `getConfig()` in Keras spelling (snake_case)
 * and a one-argument `static fromConfig(config)`, next to tfjs's two-argument form.
 *
 * `defaults` are Keras's defaults where tfjs-layers picked others (tfjs spelling), e.g. Keras's
 * `glorot_uniform` kernels (tfjs: glorot normal) or LSTM's sigmoid gates (tfjs: hard sigmoid); they
 * fill only options left undefined, so files, which spell every option, load as written. This is the
 * one place a class states them (kerasLayerClass passes its `defaults` here).
 */
export function registeredLayerClass<C extends new (...args: never[]) => tfl.layers.Layer>(
  className: string,
  defaults: Readonly<Record<string, unknown>> = {},
): WithTypedApply<C> {
  const entry = tfc.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new Error(`tfjs-layers has no registered class "${className}"; is @tensorflow/tfjs-layers 4.22 installed?`);
  const tfjsClass = entry[0] as unknown as new (config: unknown) => tfl.layers.Layer;
  const tfjsFromConfig = entry[1] as unknown as (cls: unknown, config: unknown, ...rest: unknown[]) => unknown;
  const KerasFacing = class extends tfjsClass {
    /** Activation options may be plain functions, as in Keras; tfjs gets them wrapped. Omitted options take Keras's defaults. */
    constructor(args: unknown) {
      super(withDefaults(defaults, withKerasActivationNames(withFunctionActivations(args))));
    }

    /** Python `layer.get_config()`: Keras 3.15's keys (`use_bias`, `kernel_initializer`...), chosen by keras3-layer-keys.ts. */
    override getConfig(): tfc.serialization.ConfigDict {
      return kerasLayerConfig(className, toKerasConfig(super.getConfig()) as JsonObject) as tfc.serialization.ConfigDict;
    }

    /**
     * Python `Dense.from_config(config)` (also given Keras 3 spellings); tfjs calls it as
     * `fromConfig(cls, config)`, which still works.
     */
    static fromConfig(...args: unknown[]): unknown {
      if (typeof args[0] === "function") return tfjsFromConfig(args[0], args[1], ...args.slice(2));
      const [config, options] = args as [JsonObject, { customObjects?: CustomObjectMap } | undefined];
      const prepared = prepareKerasConfig({ class_name: className, config }, { customObjects: options?.customObjects ?? {} });
      return withKerasClasses(prepared.aliases, () => new this(prepared.config.config));
    }
  };
  Object.defineProperty(KerasFacing.fromConfig, "pythonStyle", { value: true });
  Object.defineProperty(KerasFacing, "name", { value: className });
  markLibraryClass(KerasFacing);
  return KerasFacing as unknown as WithTypedApply<C>;
}

/** The options with `defaults` for those left undefined (a copy; the input is not changed). */
function withDefaults<Args>(defaults: Readonly<Record<string, unknown>>, args: Args): Args {
  if (args === null || typeof args !== "object") return args;
  const result: Record<string, unknown> = { ...(args as Record<string, unknown>) };
  for (const [key, value] of Object.entries(defaults)) if (result[key] === undefined) result[key] = value;
  return result as Args;
}

type Kwargs = Parameters<tfl.layers.Layer["apply"]>[1];
type AnyInputs = tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[];

/**
 * `apply` typed by what it is given, as in Keras: symbolic in → symbolic out (building a functional
 * model), concrete tensor in → tensor out (eager call). Only the types narrow; tfjs does the work.
 */
export interface TypedApply {
  apply(inputs: tfl.SymbolicTensor, kwargs?: Kwargs): tfl.SymbolicTensor;
  apply(inputs: tfl.SymbolicTensor[], kwargs?: Kwargs): tfl.SymbolicTensor | tfl.SymbolicTensor[];
  apply(inputs: tfc.Tensor, kwargs?: Kwargs): tfc.Tensor;
  apply(inputs: AnyInputs, kwargs?: Kwargs): tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[];
}

/** Python-style `static fromConfig(config, { customObjects })`, returning the class's instance. */
export interface KerasFromConfig<I> {
  fromConfig(config: JsonObject, options?: { customObjects?: CustomObjectMap }): I;
}

/** The class with the typed `apply` overloads first, so they win overload resolution. */
export type WithTypedApply<C extends new (...args: never[]) => tfl.layers.Layer> = Omit<C, "prototype" | "fromConfig"> &
  KerasFromConfig<TypedApply & InstanceType<C>> &
  (new (
    ...args: ConstructorParameters<C>
  ) => TypedApply & InstanceType<C>);
