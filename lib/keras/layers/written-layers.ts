/**
 * Layers tskeras writes itself (on the same `Layer` base users subclass) for Keras classes that
 * tfjs-layers lacks or gets wrong: `MultiHeadAttention`, `EinsumDense`, `Subtract`... They are
 * Keras built-ins, so loading a Keras file finds them by class name without `customObjects`, and
 * saving writes them as `keras.layers` classes, with Keras's config keys, as Python does.
 *
 * @example
 * registerWrittenLayer(Identity);
 * writtenLayerClass("Identity"); // Identity
 */
import type * as tfl from "@tensorflow/tfjs-layers";
import { markLibraryClass } from "../library-classes.js";

type LayerClass = (new (...args: never[]) => tfl.layers.Layer) & { className: string };

const written = new Map<string, LayerClass>();

/** Makes a written Keras layer class known by its Keras class name (and marks it as a library class). */
export function registerWrittenLayer(cls: LayerClass, ...aliases: string[]): void {
  for (const name of [cls.className, ...aliases]) written.set(name, cls);
  markLibraryClass(cls);
}

/**
 * The Python class name Keras derives a layer's default name and its `.keras` group from
 * (`snake_case(type(layer).__name__)`), where it differs from the class name written in configs:
 * `GroupQueryAttention` is written under its public alias, but grouped as `grouped_query_attention`.
 */
export function pythonClassName(layer: tfl.layers.Layer): string {
  const declared = (layer.constructor as { pythonClassName?: unknown }).pythonClassName;
  return typeof declared === "string" ? declared : layer.getClassName();
}

/** The written class for a Keras class name, or undefined. */
export function writtenLayerClass(className: string): LayerClass | undefined {
  return written.get(className);
}

/**
 * Weight paths inside a layer's group of a Keras 3 `model.weights.h5`, for layers whose variables
 * live in sublayers (`query_dense/vars/0`...): one entry per `layer.weights` item, plus groups Keras
 * writes without variables. Layers without it use `vars/<i>`.
 */
export interface Keras3WeightLayout {
  /** One path per `layer.weights` item, or several for a weight Keras saves under more than one attribute. */
  keras3WeightPaths(): { weights: Array<string | string[]>; emptyGroups: string[] };
}

export function hasKeras3WeightLayout(layer: unknown): layer is Keras3WeightLayout {
  return typeof (layer as Partial<Keras3WeightLayout>).keras3WeightPaths === "function";
}

/**
 * Saving hooks for layers whose Keras 3 call or build differs from the one-input convention:
 * `MultiHeadAttention(query, value)` takes its inputs as separate arguments and builds from
 * `{query_shape, value_shape}`.
 */
export interface Keras3CallConvention {
  /** The call's positional arguments in Keras 3's `{args}` for the node's input tensors (default: one tensor, or one list of them). */
  keras3CallArguments?<T>(tensors: T[]): T[];
  /** Keras 3's `build_config` for the given input shapes. */
  keras3BuildConfig?(inputShapes: Array<Array<number | null>>): Record<string, unknown>;
}

/** The base Layer arguments from a Keras config: name, trainable, dtype (a Keras 3 policy object becomes its name), shapes. */
export function layerArgsFromConfig(config: Record<string, unknown>): { name?: string; trainable?: boolean; dtype?: "float32"; batchInputShape?: number[] } {
  const args: Record<string, unknown> = {};
  if (typeof config["name"] === "string") args["name"] = config["name"];
  if (typeof config["trainable"] === "boolean") args["trainable"] = config["trainable"];
  const shape = config["batch_input_shape"] ?? config["batchInputShape"] ?? config["batch_shape"];
  if (Array.isArray(shape)) args["batchInputShape"] = shape;
  return args;
}

/** A Keras initializer config `{class_name, config}` (Keras 3 adds module and registered_name when saving). */
export function initializerConfig(className: "Zeros" | "Ones" | "GlorotUniform"): { class_name: string; config: Record<string, null> } {
  return { class_name: className, config: className === "GlorotUniform" ? { seed: null, input_axes: null, output_axes: null } : {} };
}
