/**
 * The Keras model API that `keras.Model` and `keras.Sequential` share (they derive from different
 * tfjs classes, so they cannot share a base class): saving and loading weights, compile, fit,
 * evaluate, predict, summary, save, toJSON, the notebook display — written once here and
 * mixed into both with `withKerasModelApi(tfjsBase)`. (Each class keeps its own typed `fromConfig`: a static on the mixin
 * would be intersected with tfjs's, and user subclasses could no longer declare Keras's `fromConfig(config)`.)
 *
 * The mixin's return type is spelled out (`KerasModelApi` below) rather than inferred: tfjs's model
 * classes have protected members, which TypeScript cannot emit for an anonymous class in a .d.ts.
 * The `KerasModelApi` signatures come first in the resulting type, so `model.save(path)` is Keras's
 * `Promise<void>`, `model.fit` gives a `KerasHistory`, `model.evaluate` awaits to numbers.
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { renderModelSummary, type ModelSummaryData } from "../../display/renderers/model-summary.js";
import type { MimeBundle } from "../../display/sink.js";
import { CheckpointLoadStatus } from "../../tf/tracking/checkpoint.js";
import { markLibraryClass } from "../library-classes.js";
import { saveModelOrDelegate, type SaveModelOptions } from "../saving/api.js";
import { modelToJSON } from "../saving/serialization.js";
import {
  allowSparseTargets,
  evaluateModel,
  fitModel,
  toTfjsCompileArgs,
  type CompileOptions,
  type EvaluateOptions,
  type EvaluateResult,
  type FitOptions,
  type KerasHistory,
} from "../training/train.js";
// Also gives tfjs-layers' LayerVariable the TensorFlow variable methods (side effect of loading it).
import "../weight-variables.js";
import type { KerasVariable } from "../weight-variables.js";
import type { TypedApply } from "../layers/registered-class.js";
import { ensureSubclassedBuilt, isSubclassed, subclassState } from "./subclassed.js";
import { summarizeModel } from "./summary.js";
import { loadWeights as loadModelWeights, saveWeights as saveModelWeights, type LoadWeightsOptions, type SaveWeightsOptions } from "../saving/api.js";

/** What `loadWeights` returns for every kind of file (Python's `load_weights` status object). */
export type LoadStatus = CheckpointLoadStatus;

/** The Keras methods every tskeras model has, with Keras's return types. */
export interface KerasModelApi extends TypedApply {
  /** Python `model.save_weights(path)`: a TensorFlow checkpoint with tf.keras's names, or `.h5` (see saving/api.ts). */
  saveWeights(path: string, options?: SaveWeightsOptions): Promise<void>;
  /**
   * Python `model.load_weights(path)` (a checkpoint prefix, `.h5` or `.keras`): a status whose
   * `assertConsumed()` / `assertExistingObjectsMatched()` / `expectPartial()` check what matched.
   */
  loadWeights(path: string, options?: LoadWeightsOptions): Promise<LoadStatus>;
  /** TensorFlow.js's own `loadWeights(namedTensors, strict)`. */
  loadWeights(weights: tfc.NamedTensorMap, strict?: boolean): Promise<LoadStatus>;
  /** Python `model.compile(optimizer=..., loss=..., metrics=[...], run_eagerly=...)` with Keras names. */
  compile(options: CompileOptions | tfl.ModelCompileArgs): void;
  /** Python `model.run_eagerly`: true trains with tfjs's op-by-op step instead of the fused one (debugging). */
  runEagerly: boolean;
  /** Python `model.fit(x, y, epochs=..., batch_size=...)`: prints Keras progress lines, returns a History of numbers. */
  fit(x: tfc.Tensor | tfc.Tensor[], y: tfc.Tensor | tfc.Tensor[], options?: FitOptions | tfl.ModelFitArgs): Promise<KerasHistory>;
  /**
   * Python `model.evaluate(x, y)`: awaited, `[loss, ...metrics]` as numbers, so
   * `const [loss, accuracy] = await model.evaluate(x, y)` destructures (a list even without metrics,
   * where Keras gives the bare loss: `const [loss] = ...`).
   */
  evaluate(x: tfc.Tensor | tfc.Tensor[], y: tfc.Tensor | tfc.Tensor[], options?: EvaluateOptions): EvaluateResult;
  /** Keras's text summary, printed (so it shows in a cell); returns nothing like Python. */
  summary(): void;
  /** The summary as data (rows, totals and Keras's text) for rich display. */
  summaryData(): ModelSummaryData;
  /** Python `model.save(path)`: `.keras` (Keras 3 archive), `.h5` (Keras 2 HDF5) or a SavedModel folder; returns nothing, like Python. */
  save(path: string, options?: SaveModelOptions): Promise<void>;
  /** TensorFlow.js's `save` to an IOHandler. */
  save(handler: tfc.io.IOHandler, config?: tfc.io.SaveConfig): Promise<tfc.io.SaveResult>;
  /** Python `model.to_json()`. */
  toJSON(unused?: unknown, returnString?: boolean): string;
  /** Python `model.get_layer(name)`: typed as the layer class you name (`getLayer<NestedDenseLayer>("nested")`). */
  getLayer<T extends tfl.layers.Layer = tfl.layers.Layer>(name: string): T;
  getLayer<T extends tfl.layers.Layer = tfl.layers.Layer>(index: number): T;
  /** Python `model.weights`: every variable, as Keras variables (`assign`, `numpy()`, `shape: number[]`, `path`). */
  readonly weights: KerasVariable[];
  readonly trainableWeights: KerasVariable[];
  readonly nonTrainableWeights: KerasVariable[];
  /** Python `model.variables`: same as `weights`. */
  readonly variables: KerasVariable[];
}

type ModelClass = abstract new (...args: any[]) => tfl.LayersModel;

/**
 * `class Model extends withKerasModelApi(tfl.LayersModel)`: the shared methods on top of a tfjs model class.
 */
export function withKerasModelApi<Base extends ModelClass>(base: Base): (abstract new (...args: any[]) => KerasModelApi) & Base {
  abstract class KerasModel extends base {
    runEagerly = false;

    async saveWeights(path: string, options: SaveWeightsOptions = {}): Promise<void> {
      await saveModelWeights(this, path, options);
    }

    override loadWeights(pathOrWeights: string | tfc.NamedTensorMap, options: boolean | LoadWeightsOptions = {}): Promise<LoadStatus> {
      if (typeof pathOrWeights !== "string") {
        super.loadWeights(pathOrWeights, typeof options === "boolean" ? options : true);
        // tfjs sets every weight it is given or throws, so nothing is left over.
        return Promise.resolve(new CheckpointLoadStatus("the named tensors", [], []));
      }
      return loadModelWeights(this, pathOrWeights, typeof options === "boolean" ? {} : options);
    }

    override compile(options: CompileOptions | tfl.ModelCompileArgs): void {
      // A subclassed model has no outputs before its first call: compile then.
      if (isSubclassed(this) && !this.built) {
        subclassState(this).pendingCompile = options;
        return;
      }
      super.compile(toTfjsCompileArgs(options));
      allowSparseTargets(this);
      this.runEagerly = (options as CompileOptions).runEagerly === true;
    }

    override async fit(x: tfc.Tensor | tfc.Tensor[], y: tfc.Tensor | tfc.Tensor[], options: FitOptions | tfl.ModelFitArgs = {}): Promise<KerasHistory> {
      ensureSubclassedBuilt(this, x, (pending) => this.compile(pending));
      return fitModel(this, super.fit.bind(this), x, y, options as FitOptions);
    }

    override evaluate(x: tfc.Tensor | tfc.Tensor[], y: tfc.Tensor | tfc.Tensor[], options: EvaluateOptions = {}): EvaluateResult {
      ensureSubclassedBuilt(this, x, (pending) => this.compile(pending));
      return evaluateModel(this, super.evaluate, x, y, options);
    }

    /** Python `model.predict(x)`; a subclassed model is built from `x` first. */
    override predict(x: tfc.Tensor | tfc.Tensor[], args?: Parameters<tfl.LayersModel["predict"]>[1]): tfc.Tensor | tfc.Tensor[] {
      ensureSubclassedBuilt(this, x, (pending) => this.compile(pending));
      return super.predict(x, args);
    }

    override summary(): void {
      console.log(this.summaryData().text);
    }

    summaryData(): ModelSummaryData {
      return summarizeModel(this);
    }

    /** Notebooks render a model as its summary. */
    [Symbol.for("Jupyter.display")](): MimeBundle {
      return renderModelSummary(this.summaryData());
    }

    override async save(path: string | tfc.io.IOHandler, options?: SaveModelOptions | tfc.io.SaveConfig): Promise<any> {
      const result = await saveModelOrDelegate(this, super.save.bind(this), path, options);
      // Python's `model.save(path)` returns None, so a notebook cell ending with it shows nothing.
      return typeof path === "string" ? undefined : result;
    }

    /**
     * Python `model.to_json()`. tfjs's own `toJSON(null, false)` (used when saving model.json) gets the
     * same Keras JSON as an object: tfjs would otherwise respell the already-Keras config a second time.
     */
    override toJSON(_unused?: unknown, returnString = true): string {
      const json = modelToJSON(this, this.getConfig());
      return (returnString ? json : JSON.parse(json)) as string;
    }

    get variables(): tfl.LayerVariable[] {
      return this.weights;
    }
  }

  markLibraryClass(KerasModel);
  return KerasModel as never;
}
