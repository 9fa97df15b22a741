import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { renderModelSummary, type ModelSummaryData } from "../../display/renderers/model-summary.js";
import type { MimeBundle } from "../../display/sink.js";
import { uniqueName } from "../naming.js";
import { allowSparseTargets, evaluateModel, fitModel, toTfjsCompileArgs, type CompileOptions, type EvaluateOptions, type EvaluateResult, type FitOptions, type KerasHistory } from "../training/train.js";
import { summarizeModel } from "./summary.js";

type Tensors = tfl.SymbolicTensor | tfl.SymbolicTensor[];

export interface ModelOptions {
  /** Defaults to Keras's `model`, `model_1`, ... */
  name?: string;
}

export interface FunctionalModelArgs extends ModelOptions {
  inputs: Tensors;
  outputs: Tensors;
}

/**
 * A functional model from symbolic inputs to outputs (Python `keras.Model(inputs, outputs, name=...)`).
 *
 * @example
 * const inputs = keras.Input({ shape: [32] });
 * const outputs = new keras.layers.Dense(1).apply(inputs);
 * const model = new keras.Model(inputs, outputs, { name: "regressor" });
 * // or: new keras.Model({ inputs, outputs, name: "regressor" })
 */
export class Model extends tfl.LayersModel {
  constructor(inputs: Tensors, outputs: Tensors, options?: ModelOptions);
  constructor(args: FunctionalModelArgs);
  constructor(first: Tensors | FunctionalModelArgs, outputs?: Tensors, options: ModelOptions = {}) {
    const args = first instanceof tfl.SymbolicTensor || Array.isArray(first) ? { inputs: first, outputs: outputs!, ...options } : first;
    if (args.outputs === undefined) {
      throw new Error("keras.Model needs outputs: new keras.Model(inputs, outputs) or new keras.Model({ inputs, outputs }). Subclassed models are not supported yet.");
    }
    super({ inputs: args.inputs, outputs: args.outputs, name: args.name ?? uniqueName("model") });
  }

  /** Python `model.compile(optimizer=..., loss=..., metrics=[...])` with Keras names. */
  override compile(options: CompileOptions | tfl.ModelCompileArgs): void {
    super.compile(toTfjsCompileArgs(options));
    allowSparseTargets(this);
  }

  /** Python `model.fit(x, y, epochs=..., batch_size=...)`: prints Keras progress lines, returns a History of numbers. */
  override async fit(x: tfc.Tensor | tfc.Tensor[], y: tfc.Tensor | tfc.Tensor[], options: FitOptions | tfl.ModelFitArgs = {}): Promise<KerasHistory> {
    return fitModel(this, super.fit.bind(this), x, y, options as FitOptions);
  }

  /** `const [loss, accuracy] = await model.evaluate(x, y)`: numbers, like Python. */
  override evaluate(x: tfc.Tensor | tfc.Tensor[], y: tfc.Tensor | tfc.Tensor[], options: EvaluateOptions = {}): EvaluateResult {
    return evaluateModel(this, super.evaluate, x, y, options);
  }

  /** Keras's text summary, printed (so it shows in a cell); returns nothing like Python. */
  override summary(): void {
    console.log(this.summaryData().text);
  }

  /** The summary as data (rows, totals and Keras's text) for rich display. */
  summaryData(): ModelSummaryData {
    return summarizeModel(this, false);
  }

  /** Notebooks render a model as its summary. */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return renderModelSummary(this.summaryData());
  }
}
