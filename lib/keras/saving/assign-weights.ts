import * as tfc from "@tensorflow/tfjs-core";
import type { LayersModel, LayerVariable } from "@tensorflow/tfjs-layers";
import { overwriteVariableValues } from "../../backend/tensor-values.js";
import type { Hdf5Array } from "../../formats/hdf5/hdf5-file.js";
import type { SavedLayerWeights } from "../../formats/hdf5/legacy-h5-layout.js";

/** Reads the values of one saved weight (by dataset path). */
export type WeightValueReader = (path: string) => Hdf5Array;

/** How saved layers are matched to the model's layers. */
export interface AssignWeightsOptions {
  /** Match by layer name instead of by position among layers that have weights. */
  byName?: boolean;
  /** Label for error messages, usually the file path. */
  source?: string;
  /** With `byName`: skip layers whose weight count or shapes differ (with a warning) instead of failing, like Keras. */
  skipMismatch?: boolean;
}

type ModelLayer = LayersModel["layers"][number];

/** What an assignment matched: the basis of `loadWeights`'s status for `.h5`/`.keras` files. */
export interface WeightMatch {
  /** Saved layers (with weights) that no model layer took. */
  unusedSaved: string[];
  /** Model layers with weights that got no saved values. */
  unmatchedModel: string[];
}

/**
 * Copies saved weights into a tfjs model. By default layers with weights are matched in order
 * (Keras's topological order, as `load_weights` does); with `byName` they are matched by name and
 * model layers missing from the file keep their values.
 *
 * @example
 * assignSavedWeights(model, layout.layers, (path) => file.readArray(path), { source: "model.h5" });
 */
export function assignSavedWeights(model: LayersModel, saved: SavedLayerWeights[], read: WeightValueReader, options: AssignWeightsOptions = {}): WeightMatch {
  const source = options.source ?? "the weights file";
  const pairs: [ModelLayer, SavedLayerWeights][] = [];
  if (options.byName) {
    const byName = new Map(saved.map((layer) => [layer.layerName, layer]));
    for (const layer of model.layers) {
      const match = byName.get(layer.name);
      if (match) pairs.push([layer, match]);
    }
  } else {
    const modelLayers = model.layers.filter((layer) => layer.weights.length > 0);
    const savedLayers = saved.filter((layer) => layer.weights.length > 0);
    if (modelLayers.length !== savedLayers.length) {
      throw new Error(
        `${source} holds weights for ${savedLayers.length} layers (${savedLayers.map((layer) => layer.layerName).join(", ")}) but the model has ${modelLayers.length} layers with weights (${modelLayers.map((layer) => layer.name).join(", ")}). ` +
          `Load into a model with the same architecture, or match layers by name with { byName: true }.`,
      );
    }
    modelLayers.forEach((layer, index) => pairs.push([layer, savedLayers[index]!]));
  }
  const assignments: ModelLayer[] = [];
  const writes: Array<() => void> = [];
  for (const [layer, savedLayer] of pairs) {
    try {
      checkLayer(layer, savedLayer, source);
    } catch (error) {
      if (!(options.skipMismatch && options.byName) || !(error instanceof WeightMismatchError)) throw error;
      console.warn(`Skipping loading weights for layer "${layer.name}": ${error.message}`);
      continue;
    }
    assignments.push(layer);
    savedLayer.weights.forEach((weight, index) => writes.push(() => writeSavedArray(layer.weights[index]!, read(weight.path), weight.path)));
  }
  // Written only after every layer checked out, so a mismatch leaves the model untouched; one
  // weight at a time, straight into its variable's memory (no second copy of the model).
  for (const write of writes) write();
  const assignedLayers = new Set(assignments);
  const usedSaved = new Set(pairs.filter(([layer]) => assignedLayers.has(layer)).map(([, savedLayer]) => savedLayer));
  return {
    unusedSaved: saved.filter((layer) => layer.weights.length > 0 && !usedSaved.has(layer)).map((layer) => layer.layerName),
    unmatchedModel: model.layers.filter((layer) => layer.weights.length > 0 && !assignedLayers.has(layer)).map((layer) => layer.name),
  };
}

/** A saved layer whose weights do not fit the model's layer (count or shape); `skipMismatch` skips these. */
export class WeightMismatchError extends Error {}

function checkLayer(layer: ModelLayer, saved: SavedLayerWeights, source: string): void {
  const expected = layer.weights;
  if (expected.length !== saved.weights.length) {
    throw new WeightMismatchError(
      `Layer "${layer.name}" (${layer.getClassName()}) expects ${expected.length} weights (${expected.map((weight) => weight.originalName).join(", ")}) but ${source} holds ${saved.weights.length} for "${saved.layerName}" (${saved.weights.map((weight) => weight.name).join(", ")}). ` +
        `The layer configuration differs from the one that was saved.`,
    );
  }
  saved.weights.forEach((weight, index) => {
    const target = expected[index]!;
    const same = target.shape.length === weight.shape.length && target.shape.every((size, axis) => size === weight.shape[axis]);
    if (!same) {
      throw new WeightMismatchError(
        `Layer "${layer.name}" weight ${index} (${target.originalName}) has shape [${target.shape.join(", ")}] but ${source} holds shape [${weight.shape.join(", ")}] at ${weight.path}. ` +
          `The model architecture differs from the saved one (check units, filters, kernel sizes and input shape).`,
      );
    }
  });
}

/**
 * Writes a saved array into a model weight: float32 values into a float32 variable go byte for byte
 * into its memory (see overwriteVariableValues); other dtypes become a tensor that is assigned.
 */
export function writeSavedArray(weight: LayerVariable, array: Hdf5Array, path: string): void {
  const values = array.values;
  const backing = weight.read() as tfc.Variable;
  if (values instanceof Float32Array && backing.dtype === "float32" && values.length === backing.size) {
    overwriteVariableValues(backing, (bytes) => bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)));
    return;
  }
  const tensor = savedArrayTensor(array, path, weight.dtype);
  try {
    weight.write(tensor);
  } finally {
    tensor.dispose();
  }
}

/** A saved array as a tensor for a variable of `dtype` (int32 stays int32, everything else is float32). */
export function savedArrayTensor(array: Hdf5Array, path: string, dtype: string): tfc.Tensor {
  return tfc.tensor(toFloat32(array, path), [...array.shape], dtype === "int32" ? "int32" : "float32");
}

function toFloat32(array: Hdf5Array, path: string): Float32Array {
  const values = array.values;
  if (values instanceof Float32Array) return values;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return Float32Array.from(values, (value) => Number(value));
  if (array.dtype === "float16") throw new Error(`${path} is stored as float16, which this loader does not convert yet. Re-save the model in float32.`);
  return Float32Array.from(values as ArrayLike<number>);
}
