/**
 * The Keras 2 HDF5 store (Keras 3 keeps it apart too, as `legacy_h5_format`): whole models
 * (`model_config`, `training_config`, `model_weights/`, `optimizer_weights/`) and `save_weights`
 * files (`layer_names`, one group per layer with `weight_names`). Reached through `../api.ts`.
 *
 * @example
 * await saveLegacyH5Model(model, "model.h5", {});
 * const model = await loadLegacyH5Model("model.h5");
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { Hdf5File, type Hdf5Array } from "../../../formats/hdf5/hdf5-file.js";
import { writeHdf5FileAtomic, type Hdf5Writer } from "../../../formats/hdf5/hdf5-writer.js";
import { readLegacyH5Layout, readSplitTextList } from "../../../formats/hdf5/legacy-h5-layout.js";
import { isSubclassed } from "../../models/subclassed.js";
import { withVersionedHardSigmoid } from "../../layers/hard-sigmoid.js";
import { assignSavedWeights, type WeightMatch } from "../assign-weights.js";
import { compileAndRestore, compileStateOf, modelOptimizerState, type CompileState } from "../compile-state.js";
import { kerasSlotOrder, orderedSlots, type OptimizerState } from "../optimizer-slots.js";
import type { KerasOptimizerConfig } from "../optimizer.js";
import { modelFromKerasConfig, type LoadKerasModelOptions } from "../load-model.js";
import { kerasModelJson, kerasVersion } from "../serialization.js";
import { withKeras3LegacyH5Entries } from "../keras-json/keras3-serialize.js";
import { stringifyWithPythonFloats, withPythonFloats } from "../../../formats/keras-json/python-float.js";
import { scalarNumber, tensorOf, writeTensor } from "./h5-tensors.js";

function producer(_model: tfl.LayersModel): { kerasVersion: string; backend: string } {
  return { kerasVersion, backend: "tensorflow" };
}

/** The model's architecture as a Keras `{class_name, config}` object. */
function modelConfigOf(model: tfl.LayersModel): Record<string, unknown> {
  const { class_name, config } = withKeras3LegacyH5Entries(model, kerasModelJson(model));
  return { class_name, config };
}

/**
 * The weights' Keras 2 names (`<layer>/<attribute>:0`, `dense/kernel:0`), each unique: weights created without a name (`addWeight({ shape })`)
 * would all be `<layer>/Variable:0`, and HDF5 cannot hold two datasets of one name. Later ones get
 * TensorFlow's graph-mode suffix (`Variable_1:0`); loading goes by position, so nothing else changes.
 */
function uniqueLegacyWeightNames(variables: tfl.LayerVariable[]): string[] {
  const used = new Set<string>();
  return variables.map((variable) => {
    const base = variable.originalName;
    let name = `${base}:0`;
    for (let suffix = 1; used.has(name); suffix++) name = `${base}_${suffix}:0`;
    used.add(name);
    return name;
  });
}

/** `layer_names`, one group per layer with `weight_names` and its datasets, then `top_level_model_weights`. */
function writeLegacyLayerWeights(h5: Hdf5Writer, model: tfl.LayersModel, root: string): void {
  const { kerasVersion, backend } = producer(model);
  const prefix = root === "/" ? "" : `${root}/`;
  h5.group(root);
  h5.textAttribute(root, "backend", backend);
  h5.textAttribute(root, "keras_version", kerasVersion);
  h5.textListAttribute(
    root,
    "layer_names",
    model.layers.map((layer) => layer.name),
  );
  for (const layer of model.layers) {
    const group = `${prefix}${layer.name}`;
    h5.group(group);
    const names = uniqueLegacyWeightNames(layer.weights);
    h5.textListAttribute(group, "weight_names", names);
    layer.weights.forEach((weight, index) => writeTensor(h5, `${group}/${names[index]}`, weight.read()));
  }
  h5.group(`${prefix}top_level_model_weights`);
  h5.textListAttribute(`${prefix}top_level_model_weights`, "weight_names", []);
}

/** Keras 2's `training_config` JSON (what `compile` was given). */
function legacyTrainingConfig(state: CompileState): string {
  return stringifyWithPythonFloats({
    loss: state.loss,
    metrics: state.metrics,
    weighted_metrics: null,
    loss_weights: null,
    optimizer_config: { class_name: state.optimizer.className, config: withPythonFloats(state.optimizer.config) },
  });
}

/** Python `model.save("model.h5")` (Functional and Sequential models only, as tf.keras). */
export async function saveLegacyH5Model(model: tfl.LayersModel, path: string, options: { includeOptimizer?: boolean }): Promise<void> {
  if (isSubclassed(model)) {
    // tf.keras refuses the same way (save_model with save_format="h5"), before anything is written.
    throw new Error(
      `Cannot save ${model.constructor.name} to ${path}: saving a model to HDF5 format (.h5) requires a Functional or Sequential model. ` +
        `It does not work for subclassed models, whose computation is the body of their call() method, which the file cannot hold. ` +
        `Save it as a .keras archive (model.save("model.keras"), with getConfig() on the class), as a SavedModel directory (model.save("model_dir")), ` +
        `or save only its weights (model.saveWeights("weights.h5")).`,
    );
  }
  const { kerasVersion, backend } = producer(model);
  const includeOptimizer = options.includeOptimizer !== false;
  const compileState = includeOptimizer ? compileStateOf(model) : null;
  const optimizerState = compileState ? modelOptimizerState(model) : null;
  await writeHdf5FileAtomic(path, (h5) => {
    h5.textAttribute("/", "backend", backend);
    h5.textAttribute("/", "keras_version", kerasVersion);
    h5.textAttribute("/", "model_config", JSON.stringify(modelConfigOf(model)));
    if (compileState) h5.textAttribute("/", "training_config", legacyTrainingConfig(compileState));
    writeLegacyLayerWeights(h5, model, "model_weights");
    if (optimizerState) {
      // tf.keras 2.11+ layout: `iteration:0`, then `<Optimizer>/<slot>/<weight>:0` in the optimizer's build order.
      const { className, config } = compileState!.optimizer;
      const names = ["iteration:0"];
      h5.dataset("optimizer_weights/iteration:0", new BigInt64Array([BigInt(optimizerState.iterations)]), []);
      const weightNames = uniqueLegacyWeightNames(model.trainableWeights);
      if (Object.keys(optimizerState.slots).length > 0) {
        for (const { kind, index } of orderedSlots(kerasSlotOrder(className, config), weightNames.length)) {
          const name = `${className}/${legacySlotNames[kind]![0]}/${weightNames[index]}`;
          names.push(name);
          writeTensor(h5, `optimizer_weights/${name}`, optimizerState.slots[kind]![index]!);
        }
      }
      h5.textListAttribute("optimizer_weights", "weight_names", names);
      tfc.dispose(
        Object.values(optimizerState.slots)
          .flat()
          .filter((tensor) => !(tensor instanceof tfc.Variable)),
      );
    }
  });
}

/** Python `model.save_weights("weights.h5")` in Keras 2's layout. */
export async function saveLegacyH5Weights(model: tfl.LayersModel, path: string): Promise<void> {
  await writeHdf5FileAtomic(path, (h5) => writeLegacyLayerWeights(h5, model, "/"));
}

/** Python `keras.models.load_model("model.h5")`: the model, its weights, and (unless `compile: false`) its compile state and optimizer slots. */
export async function loadLegacyH5Model(path: string, options: LoadKerasModelOptions): Promise<tfl.LayersModel> {
  const file = await Hdf5File.open(path);
  try {
    const layout = readLegacyH5Layout(file);
    if (layout.modelConfig === null) {
      throw new Error(`${path} holds only weights (no model_config attribute). Build the model first, then await model.loadWeights("${path}").`);
    }
    const model = await modelFromKerasConfig(withVersionedHardSigmoid(layout.modelConfig, layout.kerasVersion), {
      ...options,
      source: path,
      fastWeightInit: true,
    });
    assignSavedWeights(model, layout.layers, (weightPath) => file.readArray(weightPath), { source: path });
    if (options.compile !== false && layout.trainingConfig) {
      const optimizerNames = file.hasGroup("optimizer_weights") ? (readSplitTextList(file, "optimizer_weights", "weight_names") ?? []) : [];
      await compileAndRestore(model, layout.trainingConfig["optimizer_config"], layout.trainingConfig, path, (optimizer, count) =>
        legacyOptimizerState(optimizerNames, (name) => file.readArray(`optimizer_weights/${name}`), optimizer, count),
      );
    }
    return model;
  } finally {
    file.close();
  }
}

/** Python `model.load_weights("weights.h5")` from a Keras 2 file (whole model or `save_weights`), by position or `byName`. */
export function assignLegacyH5Weights(
  model: tfl.LayersModel,
  file: Hdf5File,
  path: string,
  options: { byName?: boolean; skipMismatch?: boolean },
): WeightMatch {
  const layout = readLegacyH5Layout(file);
  return assignSavedWeights(model, layout.layers, (weightPath) => file.readArray(weightPath), {
    source: path,
    byName: options.byName ?? false,
    skipMismatch: options.skipMismatch ?? false,
  });
}

/**
 * A slot kind's names in legacy `optimizer_weights` (first: tf.keras 2.11+'s, `Adam/m/dense/kernel:0`;
 * then older Keras 2's `dense/kernel/rms:0` and Keras 3's `adam/dense_kernel_momentum`).
 */
const legacySlotNames: Record<string, string[]> = {
  momentum: ["m", "momentum", "momentums"],
  velocity: ["v", "velocity", "velocities", "rms"],
  norm: ["u", "norm", "v"],
  average_gradient: ["average_gradient", "mg"],
  accumulator: ["accumulator"],
  accumulated_grad: ["accumulated_grad", "accum_grad"],
  accumulated_delta_var: ["accumulated_delta_var", "accum_var"],
};

/**
 * Legacy `optimizer_weights` (tf.keras 2.11+, older Keras 2, or Keras 3's own `.h5`): the iteration
 * count, and each slot kind's tensors in file order, told apart by the kind's name in the weight name.
 */
function legacyOptimizerState(
  names: string[],
  read: (name: string) => Hdf5Array,
  optimizer: KerasOptimizerConfig,
  trainableCount: number,
): OptimizerState | null {
  const iterationName = names.find((name) => /(^|\/)iter(ation)?s?(:0)?$/.test(name));
  if (iterationName === undefined) return null;
  const kinds = [...new Set(kerasSlotOrder(optimizer.className, optimizer.config).flat())];
  // tf.keras 2.11+ names the slot second (`Adam/m/dense/kernel:0`), older Keras 2 last (`…/dense/kernel/m:0`), Keras 3 as a suffix.
  const kindOf = (name: string) => {
    const segments = name.replace(/:0$/, "").split("/");
    const last = segments.at(-1)!;
    for (const matches of [(token: string) => segments[1] === token, (token: string) => last === token, (token: string) => last.endsWith(`_${token}`)]) {
      const kind = kinds.find((candidate) => legacySlotNames[candidate]!.some(matches));
      if (kind !== undefined) return kind;
    }
    return undefined;
  };
  const slots: OptimizerState["slots"] = {};
  for (const name of names) {
    const kind = name === iterationName ? undefined : kindOf(name);
    if (kind !== undefined) (slots[kind] ??= []).push(tensorOf(read(name)));
  }
  const complete = kinds.length > 0 && kinds.every((kind) => slots[kind]?.length === trainableCount);
  if (!complete) tfc.dispose(Object.values(slots).flat());
  return { iterations: scalarNumber(read(iterationName)), slots: complete ? slots : {} };
}
