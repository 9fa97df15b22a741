import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { allowSparseTargets, toTfjsCompileArgs } from "../training/train.js";
import type { Loss } from "../losses.js";
import { configurableLossOf, keras2LossConfig, lossFromKerasConfig } from "./loss-config.js";
import { snakeCase } from "../../util/naming.js";
import { kerasOptimizerConfig, optimizerFromKeras, type KerasOptimizerConfig } from "./optimizer.js";
import { optimizerStateOf, restoreOptimizer, type OptimizerState } from "./optimizer-slots.js";
import { isJsonObject, type JsonObject, type JsonValue } from "../../formats/keras-json/schema.js";

/** What `compile` was given, in Keras's names, as model files record it. */
export interface CompileState {
  /**
   * Keras loss name(s), e.g. `sparse_categorical_crossentropy`, or tf-keras 2's `{class_name, config}` of a
   * crossentropy loss object (which carries `from_logits`); one per output for multi-output models.
   */
  loss: string | JsonObject | Array<string | JsonObject>;
  /** Keras metric names, e.g. `["accuracy"]`. */
  metrics: string[];
  /** Keras optimizer class (`Adam`, `SGD`, `RMSprop`) and its Keras config (`learning_rate`, `beta_1`, ...). */
  optimizer: KerasOptimizerConfig;
}

type OptimizerFields = tfc.Optimizer & Record<string, unknown>;

function functionName(value: unknown, what: string): string {
  // tfjs-layers' own losses are camelCase (`binaryCrossentropy`); Keras files name them in snake_case.
  const snake = snakeCase;
  if (typeof value === "string") return snake(value);
  if (typeof value === "function" && value.name) return snake(value.name);
  throw new Error(
    `The model's ${what} is an anonymous function, which a model file cannot name. Compile with a Keras ${what} name (e.g. "mse") or a named function to save the compile state.`,
  );
}

function lossEntry(value: unknown): string | JsonObject {
  const object = configurableLossOf(value);
  return object ? keras2LossConfig(object) : functionName(value, "loss");
}

/** The compile state of a compiled model, or null when it was never compiled. */
export function compileStateOf(model: tfl.LayersModel): CompileState | null {
  const optimizer = model.optimizer as OptimizerFields | undefined;
  if (!optimizer) return null;
  const loss = (model as unknown as { loss: unknown }).loss;
  const outputs = model.outputs.length;
  // tfjs lists `loss` first, then each metric (prefixed by the output name when there are several outputs).
  const metrics = (model.metricsNames ?? []).slice(outputs > 1 ? outputs + 1 : 1).map((name) => (outputs > 1 ? name.slice(name.indexOf("_") + 1) : name));
  return {
    loss: Array.isArray(loss) ? loss.map((item) => lossEntry(item)) : lossEntry(loss),
    metrics: [...new Set(metrics)],
    optimizer: kerasOptimizerConfig(optimizer),
  };
}

/** Compiles `model` as the file recorded, through the same translation as `model.compile`. */
export function compileFromState(model: tfl.LayersModel, state: { loss: string | string[] | Loss; metrics: string[]; optimizer: tfc.Optimizer }): void {
  let args: tfl.ModelCompileArgs;
  try {
    args = toTfjsCompileArgs({ optimizer: state.optimizer, loss: state.loss as string | Loss, metrics: state.metrics }) as tfl.ModelCompileArgs;
  } catch {
    // Keras losses tskeras has no own class for yet (binary_crossentropy, ...) exist in tfjs-layers under camelCase names.
    const camel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    if (typeof state.loss === "object" && !Array.isArray(state.loss)) throw new Error(`The loss ${state.loss.name} could not be compiled.`);
    args = { optimizer: state.optimizer, loss: Array.isArray(state.loss) ? state.loss.map(camel) : camel(state.loss), metrics: state.metrics };
  }
  model.compile(args);
  allowSparseTargets(model);
}

/** The compiled model's optimizer state in Keras's terms (see optimizer-slots.ts), or null when it is not compiled. */
export function modelOptimizerState(model: tfl.LayersModel): OptimizerState | null {
  const optimizer = model.optimizer as tfc.Optimizer | undefined;
  return optimizer ? optimizerStateOf(optimizer, model.trainableWeights.length) : null;
}

/** A Keras loss or metric as saved (a name, or a serialized object) → the name `compile` accepts. */
function savedName(value: JsonValue): string | null {
  if (typeof value === "string") return value;
  if (isJsonObject(value)) {
    const config = value["config"];
    if (isJsonObject(config) && typeof config["name"] === "string") return config["name"];
    if (typeof value["class_name"] === "string") return snakeCase(value["class_name"]);
  }
  return null;
}

/** Compiles a loaded model as its file recorded, then restores the optimizer state. */
export async function compileAndRestore(
  model: tfl.LayersModel,
  optimizerConfig: JsonValue | undefined,
  compileConfig: JsonObject,
  source: string,
  readState: (optimizer: KerasOptimizerConfig, trainableCount: number) => OptimizerState | null,
): Promise<void> {
  if (!isJsonObject(optimizerConfig) || typeof optimizerConfig["class_name"] !== "string") return;
  const rawLoss = compileConfig["loss"] ?? null;
  const loss = lossFromKerasConfig(rawLoss) ?? (Array.isArray(rawLoss) ? rawLoss.map(savedName) : savedName(rawLoss));
  if (loss === null || (Array.isArray(loss) && loss.some((item) => item === null))) {
    console.warn(
      `${source}: the saved loss ${JSON.stringify(rawLoss)} could not be recognized, so the model was loaded without compiling. Compile it yourself before training.`,
    );
    return;
  }
  const rawMetrics = compileConfig["metrics"];
  const metrics = (Array.isArray(rawMetrics) ? rawMetrics.flat(2) : [])
    .map((metric) => savedName(metric as JsonValue))
    .filter((name): name is string => name !== null);
  try {
    const optimizer = optimizerFromKeras(optimizerConfig["class_name"], isJsonObject(optimizerConfig["config"]) ? optimizerConfig["config"] : {});
    compileFromState(model, { loss: loss as string | string[] | Loss, metrics, optimizer });
  } catch (error) {
    // Like Keras: a model whose compile arguments cannot be rebuilt still loads, uncompiled.
    console.warn(
      `${source}: the model was loaded without compiling (${error instanceof Error ? error.message : String(error)}). Compile it yourself before training.`,
    );
    return;
  }
  const optimizer = model.optimizer as tfc.Optimizer;
  const state = readState(kerasOptimizerConfig(optimizer), model.trainableWeights.length);
  if (state) {
    restoreOptimizer(optimizer, state, model.trainableWeights as Array<{ name: string; shape: number[] }>, source);
  }
}
