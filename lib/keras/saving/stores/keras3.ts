/**
 * The Keras 3 store: `.keras` archives (`metadata.json`, `config.json` with `compile_config`,
 * `model.weights.h5`) and `.weights.h5` files, whose variable paths come from the one walk
 * (`keras3-walker.ts`), so nested layers sit at `layers/block/inner/vars/0` as Python writes them.
 * Reached through `../api.ts`.
 *
 * @example
 * await saveKerasArchive(model, "model.keras", {});
 * const model = await loadKerasArchiveModel("model.keras");
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { Hdf5Array } from "../../../formats/hdf5/hdf5-file.js";
import { type Hdf5Writer, writeHdf5FileAtomic } from "../../../formats/hdf5/hdf5-writer.js";
import { readKerasArchive, writeKerasArchive } from "../../../formats/keras-archive/keras-archive.js";
import { isJsonObject, type JsonValue, type KerasObjectConfig } from "../../../formats/keras-json/schema.js";
import { withVersionedHardSigmoid } from "../../layers/hard-sigmoid.js";
import { buildSubclassedFor, isSubclassed } from "../../models/subclassed.js";
import { writeSavedArray, type WeightMatch } from "../assign-weights.js";
import { compileAndRestore, compileStateOf, modelOptimizerState, type CompileState } from "../compile-state.js";
import { kerasSlotOrder, orderedSlots, type OptimizerState } from "../optimizer-slots.js";
import type { KerasOptimizerConfig } from "../optimizer.js";
import { keras3ModelConfig } from "../keras-json/keras3-serialize.js";
import { modelFromKerasConfig, type LoadKerasModelOptions } from "../load-model.js";
import { keras3LossConfig } from "../loss-config.js";
import { keras3Version } from "../serialization.js";
import { pythonFloat, withPythonFloats } from "../../../formats/keras-json/python-float.js";
import { keras3VariableGroups, keras3VariablePaths } from "./keras3-walker.js";
import { snakeCase } from "../../../util/naming.js";
import { scalarNumber, tensorOf, writeTensor } from "./h5-tensors.js";

/** Keras 3's groups, from the one walk ({@link keras3VariableGroups}): `layers/<snake_case class>[_k]/…/vars/<i>`, `optimizer/vars`, root `vars`. */
function writeKeras3Variables(h5: Hdf5Writer, model: tfl.LayersModel, includeOptimizer: boolean): void {
  for (const group of keras3VariableGroups(model)) {
    h5.group(group.path);
    h5.textAttribute(group.path, "name", group.name);
    group.variables.forEach((variable, index) => writeTensor(h5, `${group.path}/${index}`, variable.read()));
  }
  const state = includeOptimizer ? modelOptimizerState(model) : null;
  const compileState = includeOptimizer ? compileStateOf(model) : null;
  if (state && compileState) {
    // Keras 3 lists `optimizer.variables`: iterations, learning_rate, then the slots in its build order.
    const { className, config } = compileState.optimizer;
    h5.group("optimizer/vars");
    // Keras names an optimizer by its class in snake case: RMSprop → rm_sprop.
    h5.textAttribute("optimizer/vars", "name", snakeCase(className));
    h5.dataset("optimizer/vars/0", new BigInt64Array([BigInt(state.iterations)]), []);
    h5.dataset("optimizer/vars/1", new Float32Array([Number(config["learning_rate"])]), []);
    if (Object.keys(state.slots).length > 0) {
      orderedSlots(kerasSlotOrder(className, config), model.trainableWeights.length).forEach(({ kind, index }, position) =>
        writeTensor(h5, `optimizer/vars/${position + 2}`, state.slots[kind]![index]!),
      );
    }
    // Slots computed for the file (SGD's momentum in Keras's scale) are not the optimizer's own variables.
    tfc.dispose(
      Object.values(state.slots)
        .flat()
        .filter((tensor) => !(tensor instanceof tfc.Variable)),
    );
  }
}

function keras3DateSaved(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}@${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Keras 3.10's optimizer config: the base optimizer's keys (name first), then the optimizer's own. */
function keras3OptimizerConfig(state: CompileState): Record<string, unknown> {
  const { name: _keras2Name, learning_rate: learningRate, ...own } = state.optimizer.config;
  return {
    name: snakeCase(state.optimizer.className),
    // Keras keeps the learning rate in a float32 variable and writes its value.
    learning_rate: pythonFloat(Math.fround(Number(learningRate))),
    weight_decay: null,
    clipnorm: null,
    global_clipnorm: null,
    clipvalue: null,
    use_ema: false,
    ema_momentum: 0.99,
    ema_overwrite_frequency: null,
    loss_scale_factor: null,
    gradient_accumulation_steps: null,
    ...withPythonFloats(own),
  };
}

/** Keras 3 `compile_config` (serialized optimizer, loss and metrics). */
function keras3CompileConfig(state: CompileState): Record<string, unknown> {
  return {
    optimizer: { module: "keras.optimizers", class_name: state.optimizer.className, config: keras3OptimizerConfig(state), registered_name: null },
    loss: Array.isArray(state.loss) ? state.loss.map(keras3LossConfig) : keras3LossConfig(state.loss),
    loss_weights: null,
    metrics: state.metrics,
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/** Python `model.save("model.keras")`. */
export async function saveKerasArchive(model: tfl.LayersModel, path: string, options: { includeOptimizer?: boolean }): Promise<void> {
  const includeOptimizer = options.includeOptimizer !== false;
  const compileState = includeOptimizer ? compileStateOf(model) : null;
  // Keras 3 schema: {module, class_name, config, registered_name, build_config} all the way down.
  const config: Record<string, unknown> = keras3ModelConfig(model);
  if (compileState) config["compile_config"] = keras3CompileConfig(compileState);
  await writeKerasArchive(path, {
    metadata: { keras_version: keras3Version, date_saved: keras3DateSaved(new Date()) },
    config,
    writeWeights: (h5) => writeKeras3Variables(h5, model, includeOptimizer),
  });
}

/** Python `model.save_weights("model.weights.h5")`: the layer variables only, in Keras 3's layout. */
export async function saveKeras3Weights(model: tfl.LayersModel, path: string): Promise<void> {
  await writeHdf5FileAtomic(path, (h5) => writeKeras3Variables(h5, model, true));
}

/** Python `keras.models.load_model("model.keras")`: config, weights, compile state and optimizer slots. */
export async function loadKerasArchiveModel(path: string, options: LoadKerasModelOptions): Promise<tfl.LayersModel> {
  const archive = await readKerasArchive(path);
  const model = await modelFromKerasConfig(withVersionedHardSigmoid(archive.config, archive.metadata?.keras_version ?? "3"), {
    ...options,
    source: path,
    fastWeightInit: true,
  });
  if (isSubclassed(model) && !model.built) buildFromBuildConfig(model, archive.config, archive.variables, path);
  assignKeras3Weights(model, archive.variables, path);
  const compileConfig = (archive.config as unknown as { compile_config?: unknown }).compile_config;
  if (options.compile !== false && isJsonObject(compileConfig)) {
    await compileAndRestore(model, compileConfig["optimizer"], compileConfig, path, (optimizer, count) =>
      keras3OptimizerState(archive.variables, optimizer, count, path),
    );
  }
  return model;
}

/**
 * A subclassed model has no weights until it is called. Keras 3 saves the shape it was built for
 * (`build_config: {input_shape}`) next to its config and builds it from that before assigning the
 * weights; tskeras does the same (normalization drops `build_config`, so it is read here).
 */
function buildFromBuildConfig(model: tfl.LayersModel, config: KerasObjectConfig, variables: Map<string, Hdf5Array>, source: string): void {
  const buildConfig = (config as unknown as { build_config?: JsonValue }).build_config;
  const inputShape = isJsonObject(buildConfig) ? buildConfig["input_shape"] : undefined;
  const isShape =
    Array.isArray(inputShape) &&
    inputShape.length > 0 &&
    inputShape.every((size) => size === null || (typeof size === "number" && Number.isInteger(size) && size >= 0));
  if (isShape) {
    buildSubclassedFor(model, inputShape as Array<number | null>);
    return;
  }
  const saved = [...variables.keys()].filter((name) => name.startsWith("layers/"));
  if (saved.length > 0) {
    throw new Error(
      `${source}: the ${config.class_name} model was saved with ${saved.length} layer variables but no usable build_config ({input_shape}), so its weights cannot be created before loading them. ` +
        `Build the model yourself, then load the weights into it: const model = new ${config.class_name}(...); model.predict(sampleBatch); await model.loadWeights("${source}").`,
    );
  }
}

/** Python `model.load_weights("model.keras")`: the archive's weights into an existing model. */
export async function loadKerasArchiveWeights(model: tfl.LayersModel, path: string): Promise<WeightMatch> {
  return assignKeras3Weights(model, (await readKerasArchive(path)).variables, path);
}

/**
 * Assigns Keras 3 variables (`layers/dense/vars/0`, `layers/block/inner/vars/0`, root `vars/0`) by the
 * paths of the one walk the writers use ({@link keras3VariablePaths}). Every variable is checked
 * before any is assigned, so a mismatch leaves the model untouched.
 */
export function assignKeras3Weights(model: tfl.LayersModel, variables: Map<string, Hdf5Array>, source: string): WeightMatch {
  const expected = keras3VariablePaths(model);
  const known = new Set(expected.map((entry) => entry.path));
  const orphans = [...variables.keys()].filter(
    (variablePath) => !variablePath.startsWith("optimizer/") && !known.has(variablePath) && (variablePath.startsWith("layers/") || isSubclassed(model)),
  );
  if (orphans.length > 0) {
    throw new Error(
      `${source} holds layer variables that match no layer of the model: ${orphans.slice(0, 5).join(", ")}${orphans.length > 5 ? ", …" : ""}. Load into a model with the same architecture.`,
    );
  }
  const missing = expected.filter((entry) => !variables.has(entry.path));
  if (missing.length > 0) {
    const owners = [...new Set(missing.map((entry) => entry.owner))];
    throw new Error(
      `${source} has no variables for layers ${owners.join(", ")} (expected ${missing
        .slice(0, 5)
        .map((entry) => entry.path)
        .join(", ")}${missing.length > 5 ? ", …" : ""}). Load into a model with the same architecture.`,
    );
  }
  for (const { path, variable } of expected) {
    const array = variables.get(path)!;
    if (array.shape.join(",") !== variable.shape.join(",")) {
      throw new Error(
        `${source}: ${path} has shape [${array.shape.join(", ")}], but the model's variable ${variable.originalName} has shape [${variable.shape.join(", ")}]. Load into a model with the same architecture.`,
      );
    }
  }
  // Every variable checked out (a mismatch leaves the model untouched); each is written in place.
  for (const { path, variable } of expected) writeSavedArray(variable, variables.get(path)!, path);
  // Every saved layer variable found its variable and every variable its saved value (else it threw above).
  return { unusedSaved: [], unmatchedModel: [] };
}

/**
 * Keras 3 `optimizer/vars`: 0 iterations, 1 learning rate, then the slots in the optimizer's build order
 * ({@link kerasSlotOrder}). A file with a different number of variables (an optimizer option tskeras does
 * not train with, such as `use_ema`) resumes with a fresh optimizer and says so.
 */
function keras3OptimizerState(
  variables: Map<string, Hdf5Array>,
  optimizer: KerasOptimizerConfig,
  trainableCount: number,
  source: string,
): OptimizerState | null {
  const iterations = variables.get("optimizer/vars/0");
  if (!iterations) return null;
  const saved = [...variables.keys()].filter((name) => /^optimizer\/vars\/\d+$/.test(name)).length;
  const positions = orderedSlots(kerasSlotOrder(optimizer.className, optimizer.config), trainableCount);
  const slots: OptimizerState["slots"] = {};
  if (saved === positions.length + 2) {
    positions.forEach(({ kind, index }, position) => {
      (slots[kind] ??= [])[index] = tensorOf(variables.get(`optimizer/vars/${position + 2}`)!);
    });
  } else if (saved !== 2) {
    console.warn(
      `${source}: the optimizer state holds ${saved} variables where a ${optimizer.className} over ${trainableCount} trainable weights has ${positions.length + 2}, so training resumes with a fresh optimizer.`,
    );
    return null;
  }
  return { iterations: scalarNumber(iterations), slots };
}
