/**
 * A Keras SavedModel whose class is not available at load time (a custom model or layer that is
 * neither built in nor registered) comes back as a generic revived model, as tf-keras does after
 * `del CustomModel`: a LayersModel with one layer that runs the saved forward pass (the
 * `serving_default` signature) through the graph runtime. `predict`, `apply`, `call`,
 * `evaluate`-free inference and `summary` work; `weights` hold the saved values (read-only
 * snapshot); training is not available because the forward pass is a fixed graph.
 *
 * @example
 * ```ts
 * const model = await keras.models.loadModel("custom_model"); // CustomModel not registered
 * model instanceof RevivedKerasModel;                          // true
 * model.predict(tf.ones([2, 4]));                              // the saved forward pass
 * ```
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { loadCheckpoint } from "../../../formats/checkpoint/index.js";
import { objectPaths } from "../../../formats/savedmodel/variable-binding.js";
import { loadSavedModel, type LoadedSavedModel } from "../../../formats/savedmodel/load-saved-model.js";
import type { ConcreteFunction } from "../../../formats/savedmodel/signature-function.js";
import { storedTensorToTfjs } from "../../../formats/stored-tensor.js";

const trainingUnavailable =
  "is not available on a revived model: its class was not available when it was loaded, so only its saved forward pass " +
  "(a fixed graph) came back. Register the original class (keras.saving.registerKerasSerializable or customObjects) and load again to train it.";

/** Runs one signature of a SavedModel as the body of a Keras layer. */
class SavedForwardPass extends tfl.layers.Layer {
  static className = "SavedForwardPass";
  private readonly inputKeys: string[];
  private readonly outputKeys: string[];

  constructor(
    private readonly signature: ConcreteFunction,
    name: string,
  ) {
    super({ name, trainable: false });
    this.inputKeys = Object.keys(signature.inputs);
    this.outputKeys = Object.keys(signature.outputs);
  }

  override computeOutputShape(): tfl.Shape | tfl.Shape[] {
    const shapes = this.outputKeys.map((key) => (this.signature.outputs[key]!.shape ?? []).map((size) => (size < 0 ? null : size)));
    return shapes.length === 1 ? shapes[0]! : shapes;
  }

  override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor | tfc.Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== this.inputKeys.length) {
      throw new Error(`The revived model "${this.name}" takes ${this.inputKeys.length} input(s) (${this.inputKeys.join(", ")}) but got ${list.length}.`);
    }
    const outputs = this.signature(Object.fromEntries(this.inputKeys.map((key, index) => [key, list[index]!])));
    const values = this.outputKeys.map((key) => outputs[key]!);
    return values.length === 1 ? values[0]! : values;
  }

  /** Adds the saved variables as (non-trainable) weights, for `model.weights`. */
  addSavedWeights(values: Array<{ name: string; value: tfc.Tensor }>): void {
    for (const { name, value } of values) {
      const weight = this.addWeight(name, value.shape, value.dtype, tfl.initializers.zeros(), undefined, false);
      weight.write(value);
    }
    this.built = true;
  }
}

export class RevivedKerasModel extends tfl.LayersModel {
  static override className = "RevivedKerasModel";
  /** Class name of the saved model that could not be rebuilt (e.g. `CustomModel`). */
  readonly originalClassName: string;
  /** Why the model was revived rather than rebuilt. */
  readonly reason: string;
  /** The SavedModel behind it (signatures, MetaGraph). */
  readonly savedModel: LoadedSavedModel;

  constructor(args: {
    inputs: tfl.SymbolicTensor[];
    outputs: tfl.SymbolicTensor | tfl.SymbolicTensor[];
    name: string;
    originalClassName: string;
    reason: string;
    savedModel: LoadedSavedModel;
  }) {
    super({ inputs: args.inputs, outputs: args.outputs, name: args.name });
    this.originalClassName = args.originalClassName;
    this.reason = args.reason;
    this.savedModel = args.savedModel;
  }

  override compile(): void {
    throw new Error(`compile() ${trainingUnavailable}`);
  }

  override async fit(): Promise<tfl.History> {
    throw new Error(`fit() ${trainingUnavailable}`);
  }

  override async trainOnBatch(): Promise<number | number[]> {
    throw new Error(`trainOnBatch() ${trainingUnavailable}`);
  }

  override async fitDataset(): Promise<tfl.History> {
    throw new Error(`fitDataset() ${trainingUnavailable}`);
  }
}

/** Builds the revived model for `directory` from its `serving_default` signature. */
export async function reviveKerasSavedModel(
  directory: string,
  details: { name: string; originalClassName: string; reason: string },
): Promise<RevivedKerasModel> {
  const savedModel = await loadSavedModel(directory);
  const signature = savedModel.signatures["serving_default"] ?? Object.values(savedModel.signatures)[0];
  if (signature === undefined) {
    throw new Error(
      `${directory}: ${details.reason} It also has no signature to run its saved forward pass, so it cannot be revived. Register the class and load again.`,
    );
  }
  const inputs = Object.entries(signature.inputs).map(([key, spec]) =>
    tfl.input({
      name: key,
      dtype: spec.dtype === "int32" || spec.dtype === "int64" ? "int32" : "float32",
      batchShape: (spec.shape ?? []).map((size) => (size < 0 ? null : size)),
    }),
  );
  const layer = new SavedForwardPass(signature, `${details.name}_forward`);
  const outputs = layer.apply(inputs.length === 1 ? inputs[0]! : inputs) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
  // The model's own variables are those its saved functions capture (not optimizer slots or metric counters).
  const objectGraph = savedModel.metaGraph.object_graph_def ?? { nodes: [], concrete_functions: {} };
  const captured = new Set(Object.values(objectGraph.concrete_functions).flatMap((concrete) => concrete.bound_inputs));
  const paths = objectPaths(objectGraph);
  const reader = captured.size > 0 ? loadCheckpoint(savedModel.directory) : undefined;
  const values = [...captured]
    .sort((left, right) => left - right)
    .flatMap((id) => {
      const variable = objectGraph.nodes[id]?.variable;
      const key = `${paths.get(id)}/.ATTRIBUTES/VARIABLE_VALUE`;
      if (variable === undefined || reader === undefined || !reader.hasTensor(key)) return [];
      return [{ name: variable.name ?? paths.get(id)!, value: storedTensorToTfjs(reader.getTensor(key), key) }];
    });
  layer.addSavedWeights(values);
  values.forEach(({ value }) => value.dispose());
  return new RevivedKerasModel({ inputs, outputs, name: details.name, originalClassName: details.originalClassName, reason: details.reason, savedModel });
}
