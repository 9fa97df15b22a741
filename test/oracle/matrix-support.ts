// Types, the supported set and the defaults comparison for the differential matrix (matrix.test.ts).
import * as tfc from "@tensorflow/tfjs-core";
import { keras } from "../../lib/index.js";
import { isBuiltinActivationName } from "../../lib/keras/layers/function-activation.js";

export interface Cell {
  ok: boolean;
  detail?: string;
  /** Why a failing cell is a known, tracked failure rather than a test failure. */
  todo?: string;
  /** What a passing cell proves when it is not the plain round trip (printed with the matrix). */
  note?: string;
}

export interface MatrixCase {
  class_name: string;
  kwargs: Record<string, unknown>;
  shape: number[];
  files: Record<string, string>;
  errors: Record<string, string>;
  inputs: unknown[];
  input_dtype: string;
  expected: unknown;
  weights: Array<{ path: string; shape: number[]; values: number[] }>;
  architecture: string;
}

export interface KerasWritten {
  versions: { tensorflow: string; keras: string };
  catalog: Record<"layers" | "activations" | "initializers" | "losses" | "optimizers" | "metrics", string[]>;
  cases: Record<string, MatrixCase>;
  defaults: Record<string, Record<string, unknown>>;
  module: { savedmodel: string; checkpoint: string; inputs: unknown; expected: unknown; variables: { w: number[]; b: number[] } };
  /** Compiled models Keras trained three steps and saved (`"<optimizer>|<format>"`), with the loss of Keras's fifth step. */
  compiled: { x: number[][]; y: number[][]; cases: Record<string, { file: string; optimizer: string; loss: number }> };
}

/** What Keras's resume path (load_model, then two fit steps) made of a compiled file. */
export interface ResumeOutcome {
  error?: string;
  iterations?: number;
  loss?: number;
  optimizer?: string;
}

const variablePaths = /<Variable path=[^>]*>/g;

/**
 * A tskeras .h5 against Keras's own .h5 of the same compiled model through Keras's resume path: when
 * Keras cannot resume from its own file either, the cell passes if ours fails in exactly the same way
 * (same error once variable paths are set aside, same step count restored). Undefined when Keras
 * resumes from its own file (then the plain check applies).
 */
export function sameAsKerasOwnH5(ours: ResumeOutcome, own: ResumeOutcome | undefined): Cell | undefined {
  if (own?.error === undefined) return undefined;
  const normalize = (error: string | undefined) => error?.replace(variablePaths, "<Variable>");
  if (normalize(ours.error) === normalize(own.error) && ours.iterations === own.iterations) {
    return { ok: true, note: "Keras 3.15 cannot resume training from any .h5, including its own (checked at test time); ours fails identically" };
  }
  return { ok: false, detail: `Keras's own .h5: ${own.error}; ours: ${ours.error ?? `resumed at iteration ${ours.iterations}`}` };
}

/** Keras layer classes tskeras can build and load: those registered for deserialization. */
export function supportedLayerClasses(kerasNames: string[]): Set<string> {
  const registered = tfc.serialization.SerializationMap.getMap().classNameMap;
  return new Set(kerasNames.filter((name) => name in registered && !["Model", "Sequential", "Functional", "InputLayer"].includes(name)));
}

/** Matrix entries tskeras supports: `Class` for a supported layer class, `Activation:name` for an activation tskeras knows. */
export function supportedEntry(entry: string, supportedClasses: Set<string>): boolean {
  const [className, activation] = entry.split(":");
  if (!supportedClasses.has(className!)) return false;
  return activation === undefined || isBuiltinActivationName(activation);
}

/**
 * Cells known to fail, each with the reason and who fixes it. Only a failing cell listed here is a
 * todo; a listed cell that passes counts as a pass (so the list can shrink as fixes land).
 */
const knownFailures: Array<{ entry: RegExp; format: RegExp; direction: RegExp; reason: string }> = [];

export function knownFailure(entry: string, format: string, direction: string): string | undefined {
  return knownFailures.find((known) => known.entry.test(entry) && known.format.test(format) && known.direction.test(direction))?.reason;
}

const snake = (text: string): string => text.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
const camel = (text: string): string => text.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

// Keras 3's named variance-scaling initializers, as (scale, mode, distribution).
const varianceScaling: Record<string, [number, string, string]> = {
  GlorotUniform: [1, "fan_avg", "uniform"],
  GlorotNormal: [1, "fan_avg", "truncated_normal"],
  HeUniform: [2, "fan_in", "uniform"],
  HeNormal: [2, "fan_in", "truncated_normal"],
  LecunUniform: [1, "fan_in", "uniform"],
  LecunNormal: [1, "fan_in", "truncated_normal"],
  LeCunUniform: [1, "fan_in", "uniform"],
  LeCunNormal: [1, "fan_in", "truncated_normal"],
};

/** One spelling for a config value: initializers by what they compute, activations in snake_case. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const object = value as Record<string, unknown>;
    if (typeof object["class_name"] === "string" && "config" in object) {
      const className = object["class_name"] as string;
      const config = { ...((object["config"] as Record<string, unknown>) ?? {}) };
      delete config["seed"];
      const named = varianceScaling[className];
      if (named) return { class_name: "VarianceScaling", config: { scale: named[0], mode: named[1], distribution: named[2] } };
      if (className === "VarianceScaling") {
        const distribution = config["distribution"] === "normal" ? "truncated_normal" : config["distribution"];
        return { class_name: "VarianceScaling", config: { scale: config["scale"], mode: config["mode"], distribution } };
      }
      return { class_name: className, config: canonical(config) };
    }
    return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, canonical(item)]));
  }
  if (typeof value === "number") return Math.fround(value);
  if (typeof value === "string") return snake(value);
  return value;
}

// Keys that name or place a layer rather than define it.
const identityKeys = new Set(["name", "dtype", "trainable", "build_config", "batch_input_shape", "batch_shape", "input_shape", "seed"]);

/**
 * `new keras.layers.X(args).getConfig()` (or, for a class tskeras does not export, the layer built from
 * the same Keras arguments) against Keras 3's `X(args).get_config()`: every key both have must agree.
 */
export function compareDefaults(className: string, kwargs: Record<string, unknown>, expected: Record<string, unknown>): Cell {
  const exported = (keras.layers as unknown as Record<string, unknown>)[className];
  const layer =
    typeof exported === "function" && "layer" in kwargs === false
      ? new (exported as new (options: object) => { getConfig(): Record<string, unknown> })(
          Object.fromEntries(Object.entries(kwargs).map(([key, value]) => [camel(key), value])),
        )
      : (keras.layers.deserialize({ class_name: className, config: { ...kwargs } } as never) as { getConfig(): Record<string, unknown> });
  const differences = configDifferences(layer.getConfig(), expected, "");
  return differences.length === 0 ? { ok: true } : { ok: false, detail: differences.join("; ").slice(0, 300) };
}

/** A layer nested in a layer's config (a wrapper's `layer`): `{class_name, config: {name, ...}}`. */
function isNestedLayer(value: unknown): value is { class_name: string; config: Record<string, unknown> } {
  const object = value as { class_name?: unknown; config?: { name?: unknown } } | null;
  return typeof object?.class_name === "string" && typeof object.config === "object" && object.config !== null && "name" in object.config;
}

/**
 * Every key both configs have must agree; a nested layer is compared by the same rule (its class,
 * then its own keys), so its name and dtype count as identity there too.
 */
function configDifferences(actual: Record<string, unknown>, expected: Record<string, unknown>, prefix: string): string[] {
  const differences: string[] = [];
  for (const [key, value] of Object.entries(expected)) {
    if (identityKeys.has(key) || !(key in actual)) continue;
    if (isNestedLayer(value) && isNestedLayer(actual[key])) {
      const nested = actual[key] as { class_name: string; config: Record<string, unknown> };
      if (nested.class_name !== value.class_name) differences.push(`${prefix}${key}.class_name: tskeras ${nested.class_name} vs Keras ${value.class_name}`);
      else differences.push(...configDifferences(nested.config, value.config, `${prefix}${key}.`));
      continue;
    }
    const left = JSON.stringify(canonical(actual[key]));
    const right = JSON.stringify(canonical(value));
    if (left !== right) differences.push(`${prefix}${key}: tskeras ${left} vs Keras ${right}`);
  }
  return differences;
}
