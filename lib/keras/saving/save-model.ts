import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { float32ValuesForReading } from "../../backend/tensor-values.js";
import { type Hdf5Writer, writeHdf5FileAtomic } from "../../formats/hdf5/hdf5-writer.js";
import { writeKerasArchive } from "../../formats/keras-archive/keras-archive.js";
import { kerasModelJson, kerasVersion, keras3Version } from "./serialization.js";
import { keras3ModelConfig } from "./keras-json/keras3-serialize.js";
import { compileStateOf, optimizerStateOf, type CompileState } from "./compile-state.js";
import { keras3LossConfig } from "./loss-config.js";
import { isSubclassed } from "../models/subclassed.js";
import { keras3VariableGroups } from "./stores/keras3-walker.js";

/** Options of {@link saveModel} (Python `model.save(filepath, include_optimizer=True)`). */
export interface SaveModelOptions {
  /** Also save the compile configuration and the optimizer's state (default true). */
  includeOptimizer?: boolean;
  /**
   * Python `save_format`: `"h5"`, `"keras"`, `"tf"` (SavedModel directory) or `"tfjs"` (a directory with
   * TensorFlow.js `model.json` + weight shards); by default chosen from the suffix.
   */
  saveFormat?: "h5" | "keras" | "tf" | "tfjs";
  /** SavedModel only (Python `save_traces`, default true): false skips the traced forward pass and requires getConfig on custom classes. */
  saveTraces?: boolean;
}

/** What a save wrote: the format (as `saveFormat` names it, plus the weights-only layouts) and its name for people. */
export interface SavedFormat {
  format: "h5" | "keras" | "tf" | "tfjs" | "tf-checkpoint" | "h5-weights" | "keras3-weights";
  description: string;
}

const savedFormatNames: Record<SavedFormat["format"], string> = {
  h5: "Keras 2 HDF5",
  keras: "Keras 3 .keras archive",
  tf: "TensorFlow SavedModel directory",
  tfjs: "TensorFlow.js model.json directory",
  "tf-checkpoint": "TensorFlow checkpoint",
  "h5-weights": "Keras 2 HDF5 weights",
  "keras3-weights": "Keras 3 weights (.weights.h5)",
};

export function savedFormat(format: SavedFormat["format"]): SavedFormat {
  return { format, description: savedFormatNames[format] };
}

/**
 * Python `model.save(path)`: `.h5`/`.hdf5` → Keras 2 whole-model HDF5, `.keras` → Keras 3 archive,
 * anything else → a TensorFlow SavedModel directory (as Keras 2 does). `saveFormat` overrides the suffix.
 * The file or directory appears atomically (a reader never sees a half-written model).
 *
 * @example
 * await saveModel(model, "my_model.keras");
 */
export async function saveModel(model: tfl.LayersModel, path: string, options: SaveModelOptions = {}): Promise<SavedFormat> {
  const format = options.saveFormat ?? (/\.(h5|hdf5)$/i.test(path) ? "h5" : /\.keras$/i.test(path) ? "keras" : "tf");
  if (format === "h5") await saveLegacyH5Model(model, path, options);
  else if (format === "keras") await saveKerasArchive(model, path, options);
  else if (format === "tfjs") {
    const { saveTfjsLayersModel } = await import("./stores/tfjs.js");
    await saveTfjsLayersModel(model, path, { includeOptimizer: options.includeOptimizer ?? true });
  } else if (format === "tf") {
    // Loaded lazily: the SavedModel writer pulls in the protobuf schema and graph builder.
    const { saveKerasSavedModel } = await import("./savedmodel/save-keras-saved-model.js");
    await saveKerasSavedModel(model, path, { includeOptimizer: options.includeOptimizer ?? true, saveTraces: options.saveTraces });
  } else throw new Error(`Unknown saveFormat "${String(format)}". Expected "h5", "keras", "tf" (SavedModel directory) or "tfjs".`);
  return savedFormat(format);
}

/** Python `model.save_weights(path)` for `.h5` (Keras 2 layout) and `.weights.h5` (Keras 3 layout). */
export async function saveWeightsH5(model: tfl.LayersModel, path: string): Promise<SavedFormat> {
  if (/\.weights\.h5$/i.test(path)) {
    await writeHdf5FileAtomic(path, (h5) => writeKeras3Variables(h5, model, true));
    return savedFormat("keras3-weights");
  }
  await writeHdf5FileAtomic(path, (h5) => writeLegacyLayerWeights(h5, model, "/"));
  return savedFormat("h5-weights");
}

function producer(_model: tfl.LayersModel): { kerasVersion: string; backend: string } {
  return { kerasVersion, backend: "tensorflow" };
}

/** The model's architecture as a Keras `{class_name, config}` object. */
function modelConfigOf(model: tfl.LayersModel): Record<string, unknown> {
  const { class_name, config } = kerasModelJson(model);
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

/** The values go from the tensor's memory to the file without a copy in between (see float32ValuesForReading). */
function writeTensor(h5: Hdf5Writer, path: string, tensor: tfc.Tensor): void {
  h5.dataset(path, float32ValuesForReading(tensor), [...tensor.shape]);
}

/** `layer_names`, one group per layer with `weight_names` and its datasets, then `top_level_model_weights`. */
function writeLegacyLayerWeights(h5: Hdf5Writer, model: tfl.LayersModel, root: string): void {
  const { kerasVersion, backend } = producer(model);
  const prefix = root === "/" ? "" : `${root}/`;
  h5.group(root);
  h5.textAttribute(root, "backend", backend);
  h5.textAttribute(root, "keras_version", kerasVersion);
  h5.textListAttribute(root, "layer_names", model.layers.map((layer) => layer.name));
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
  return JSON.stringify({
    loss: state.loss,
    metrics: state.metrics,
    weighted_metrics: null,
    loss_weights: null,
    optimizer_config: { class_name: state.optimizer.className, config: state.optimizer.config },
  });
}

async function saveLegacyH5Model(model: tfl.LayersModel, path: string, options: SaveModelOptions): Promise<void> {
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
  const optimizerState = compileState ? optimizerStateOf(model) : null;
  await writeHdf5FileAtomic(path, (h5) => {
    h5.textAttribute("/", "backend", backend);
    h5.textAttribute("/", "keras_version", kerasVersion);
    h5.textAttribute("/", "model_config", JSON.stringify(modelConfigOf(model)));
    if (compileState) h5.textAttribute("/", "training_config", legacyTrainingConfig(compileState));
    writeLegacyLayerWeights(h5, model, "model_weights");
    if (optimizerState) {
      // tf.keras 2.11+ layout: `iteration:0`, then `<Optimizer>/m/<weight>` and `/v/` per trainable weight.
      const className = compileState!.optimizer.className;
      const names = ["iteration:0"];
      h5.dataset("optimizer_weights/iteration:0", new BigInt64Array([BigInt(optimizerState.iterations)]), []);
      const weightNames = uniqueLegacyWeightNames(model.trainableWeights);
      model.trainableWeights.forEach((_weight, index) => {
        const moments = optimizerState.moments[index];
        if (!moments) return;
        for (const [slot, tensor] of [["m", moments.m], ["v", moments.v]] as const) {
          const name = `${className}/${slot}/${weightNames[index]}`;
          names.push(name);
          writeTensor(h5, `optimizer_weights/${name}`, tensor);
        }
      });
      h5.textListAttribute("optimizer_weights", "weight_names", names);
    }
  });
}

/** Keras 3's groups, from the one walk ({@link keras3VariableGroups}): `layers/<snake_case class>[_k]/…/vars/<i>`, `optimizer/vars`, root `vars`. */
function writeKeras3Variables(h5: Hdf5Writer, model: tfl.LayersModel, includeOptimizer: boolean): void {
  for (const group of keras3VariableGroups(model)) {
    h5.group(group.path);
    h5.textAttribute(group.path, "name", group.name);
    group.variables.forEach((variable, index) => writeTensor(h5, `${group.path}/${index}`, variable.read()));
  }
  const state = includeOptimizer ? optimizerStateOf(model) : null;
  const compileState = includeOptimizer ? compileStateOf(model) : null;
  if (state && compileState) {
    // Keras 3 optimizers save `iterations`, `learning_rate`, then each weight's m and v in turn.
    h5.group("optimizer/vars");
    h5.textAttribute("optimizer/vars", "name", compileState.optimizer.className.toLowerCase());
    h5.dataset("optimizer/vars/0", new BigInt64Array([BigInt(state.iterations)]), []);
    h5.dataset("optimizer/vars/1", new Float32Array([Number(compileState.optimizer.config["learning_rate"])]), []);
    let next = 2;
    for (const { m, v } of state.moments) {
      writeTensor(h5, `optimizer/vars/${next++}`, m);
      writeTensor(h5, `optimizer/vars/${next++}`, v);
    }
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
    name: state.optimizer.className.toLowerCase(),
    // Keras keeps the learning rate in a float32 variable and writes its value.
    learning_rate: Math.fround(Number(learningRate)),
    weight_decay: null,
    clipnorm: null,
    global_clipnorm: null,
    clipvalue: null,
    use_ema: false,
    ema_momentum: 0.99,
    ema_overwrite_frequency: null,
    loss_scale_factor: null,
    gradient_accumulation_steps: null,
    ...own,
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

async function saveKerasArchive(model: tfl.LayersModel, path: string, options: SaveModelOptions): Promise<void> {
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

/**
 * The body of `model.save`: a plain path is a Keras file (see {@link saveModel}); a tfjs URL
 * (`file://`, `localstorage://`, ...) or an IOHandler keeps TensorFlow.js's own `save`.
 */
export async function saveModelOrDelegate(
  model: tfl.LayersModel,
  tfjsSave: (handler: string | tfc.io.IOHandler, config?: tfc.io.SaveConfig) => Promise<tfc.io.SaveResult>,
  path: string | tfc.io.IOHandler,
  options?: SaveModelOptions | tfc.io.SaveConfig,
): Promise<tfc.io.SaveResult> {
  if (typeof path !== "string" || path.includes("://")) return tfjsSave(path, options as tfc.io.SaveConfig);
  await saveModel(model, path, options as SaveModelOptions);
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
}
