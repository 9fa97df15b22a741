import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { variableNode, type SaveableVariable, type Trackable } from "../../tf/tracking/trackable.js";
import { isAttributeTracked, isPlainContainer, trackedChildren } from "../../tf/tracking/attribute-tracking.js";
import { replayBiasCorrectionPowers } from "./optimizer.js";

/** Recurrent layers keep their weights on a `cell` object in Keras, so checkpoint paths go through it. */
const recurrentLayers = new Set(["LSTM", "GRU", "SimpleRNN"]);

/** A Keras layer weight as a checkpoint variable (the one adapter `trackables` and `object-trackables` use). */
export function layerVariable(variable: tfl.LayerVariable): SaveableVariable {
  return {
    dtype: variable.dtype,
    shape: [...variable.shape] as number[],
    read: () => variable.read(),
    assign: (value) => variable.write(value),
    backing: variable.read() as tfc.Variable,
  };
}

/** Keras's attribute name of a weight: the last part of its name (`dense/kernel` → `kernel`). */
export function attributeName(variable: tfl.LayerVariable): string {
  return variable.originalName.split("/").pop()!.replace(/:\d+$/, "");
}

export interface ModelTrackables {
  root: Trackable;
  /** The node of each model weight, keyed by the LayerVariable (for optimizer slots). */
  variableNodes: Map<tfl.LayerVariable, Trackable>;
  /** The node of each layer (and nested model) in the tree, the model's own included (SavedModel metadata). */
  layerNodes: Map<tfl.layers.Layer, Trackable>;
}

/**
 * Custom layers and subclassed models are tracked by attribute, like Keras: each property holding a
 * layer, a variable, or an array/plain object of them is an edge named after the property.
 */
function attributeTrackable(value: unknown, name: string, nodes: Map<tfl.LayerVariable, Trackable>, memo: Map<unknown, Trackable>): Trackable | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const known = memo.get(value);
  if (known) return known;
  if (value instanceof tfl.LayerVariable || value instanceof tfc.Variable) {
    const weight = value as unknown as tfl.LayerVariable;
    const node = variableNode(layerVariable(weight), `variable '${weight.name}'`);
    memo.set(value, node);
    nodes.set(weight, node);
    return node;
  }
  if (value instanceof tfl.layers.Layer && !isAttributeTracked(value)) return layerTrackable(value, nodes, memo as Map<tfl.layers.Layer, Trackable>);
  if (!isAttributeTracked(value) && !isPlainContainer(value)) return undefined;
  const description = value instanceof tfl.layers.Layer ? `${value.getClassName()} '${value.name}'` : name;
  const node: Trackable = { children: [], description };
  memo.set(value, node);
  const entries: Array<[string, unknown]> = isAttributeTracked(value)
    ? value[trackedChildren]()
    : Array.isArray(value)
      ? value.map((item, index) => [String(index), item])
      : Object.entries(value);
  for (const [key, item] of entries) {
    const child = attributeTrackable(item, key, nodes, memo);
    if (child && (child.variable || child.children.length > 0)) node.children.push({ name: key, node: child });
  }
  return node;
}

function layerTrackable(layer: tfl.layers.Layer, nodes: Map<tfl.LayerVariable, Trackable>, memo: Map<tfl.layers.Layer, Trackable>): Trackable {
  const known = memo.get(layer);
  if (known) return known;
  if (isAttributeTracked(layer)) return attributeTrackable(layer, layer.name, nodes, memo)!;
  if (layer instanceof tfl.LayersModel) {
    const nested = modelGraph(layer, nodes, memo);
    memo.set(layer, nested);
    return nested;
  }
  const node: Trackable = { children: [], description: `${layer.getClassName()} layer '${layer.name}'` };
  memo.set(layer, node);
  // A Bidirectional layer holds two recurrent layers, as tf.keras names them (`forward_layer/cell/kernel`).
  const wrapped = layer as unknown as { forwardLayer?: tfl.layers.Layer; backwardLayer?: tfl.layers.Layer };
  if (layer.getClassName() === "Bidirectional" && wrapped.forwardLayer && wrapped.backwardLayer) {
    node.children.push({ name: "forward_layer", node: layerTrackable(wrapped.forwardLayer, nodes, memo) });
    node.children.push({ name: "backward_layer", node: layerTrackable(wrapped.backwardLayer, nodes, memo) });
    return node;
  }
  // RNN(cell) keeps the weights on its cell (`cell/kernel`); StackedRNNCells on each of its cells (`cells/0/kernel`).
  const cell = (layer as unknown as { cell?: unknown }).cell;
  if (layer.getClassName() === "RNN" && cell instanceof tfl.layers.Layer) {
    node.children.push({ name: "cell", node: layerTrackable(cell, nodes, memo) });
    return node;
  }
  const cells = (layer as unknown as { cells?: unknown }).cells;
  if (layer.getClassName() === "StackedRNNCells" && Array.isArray(cells)) {
    const list: Trackable = { children: [], description: `cells of ${node.description}` };
    cells.forEach((item, index) => {
      if (item instanceof tfl.layers.Layer) list.children.push({ name: String(index), node: layerTrackable(item, nodes, memo) });
    });
    node.children.push({ name: "cells", node: list });
    return node;
  }
  const owner: Trackable = recurrentLayers.has(layer.getClassName()) ? { children: [], description: `cell of ${node.description}` } : node;
  if (owner !== node) node.children.push({ name: "cell", node: owner });
  for (const weight of layer.weights) {
    const child = variableNode(layerVariable(weight), `${attributeName(weight)} of ${node.description}`);
    nodes.set(weight, child);
    owner.children.push({ name: attributeName(weight), node: child });
  }
  return node;
}

function modelGraph(model: tfl.LayersModel, nodes: Map<tfl.LayerVariable, Trackable>, memo: Map<tfl.layers.Layer, Trackable>): Trackable {
  // Subclassed models: edges are attribute names (`dense_1/kernel`), not layer positions.
  if (isAttributeTracked(model)) return attributeTrackable(model, model.name, nodes, memo)!;
  const root: Trackable = { children: [], description: `${model.getClassName()} model '${model.name}'` };
  // tf.keras names each layer twice: `layer-i` by position, and `layer_with_weights-k` counting only
  // layers with weights, so a checkpoint survives weightless layers being added or removed.
  let withWeights = 0;
  model.layers.forEach((layer, index) => {
    const node = layerTrackable(layer, nodes, memo);
    if (layer.weights.length > 0) root.children.push({ name: `layer_with_weights-${withWeights++}`, node });
    root.children.push({ name: `layer-${index}`, node });
  });
  return root;
}

/** The saveable tree of a Keras model, named as tf.keras 2 names it in TF-format checkpoints. */
export function modelTrackables(model: tfl.LayersModel, options: { includeOptimizer?: boolean; forRestore?: boolean } = {}): ModelTrackables {
  const variableNodes = new Map<tfl.LayerVariable, Trackable>();
  const memo = new Map<tfl.layers.Layer, Trackable>();
  const root = modelGraph(model, variableNodes, memo);
  const optimizer = (model as unknown as { optimizer?: tfc.Optimizer }).optimizer;
  if (options.includeOptimizer !== false && optimizer) {
    const trainable = model.trainableWeights.map((weight) => variableNodes.get(weight)).filter((node): node is Trackable => node !== undefined);
    root.children.push({ name: "optimizer", node: optimizerTrackable(optimizer, trainable, options.forRestore === true) });
  }
  const layerNodes = new Map([...memo].filter(([object]) => object instanceof tfl.layers.Layer));
  layerNodes.set(model, root);
  return { root, variableNodes, layerNodes };
}

interface SlotEntry {
  originalName: string;
  variable: tfc.Variable;
}

function scalarVariable(read: () => number, write: (value: number) => void, dtype: "float32" | "int64"): SaveableVariable {
  return {
    dtype,
    shape: [],
    read: () => tfc.scalar(read(), dtype === "int64" ? "int32" : "float32"),
    assign: (value) => write(value.dataSync()[0]!),
  };
}

/**
 * An optimizer as tf.keras 2 saves it: `iter` and its hyperparameters as scalar variables, and one
 * slot per trainable variable and slot name (`m`, `v` for Adam). Restored slots are handed to the
 * TensorFlow.js optimizer in one `setWeights` call, which also creates them if training has not
 * started yet, so training resumes with the same state.
 */
export function optimizerTrackable(optimizer: tfc.Optimizer, trainable: Trackable[], forRestore: boolean): Trackable {
  const className = optimizer.getClassName();
  const fields = optimizer as unknown as Record<string, unknown>;
  const node: Trackable = { children: [], slots: [], description: `${className} optimizer` };
  let iterations = optimizer.iterations;
  const hyper = (name: string, field: string | undefined) => {
    const value = field ? Number(fields[field] ?? 0) : 0;
    node.children.push({
      name,
      node: variableNode(
        scalarVariable(
          () => (field ? Number(fields[field] ?? 0) : value),
          // Checkpoints store hyperparameters as float32: keep our exact value when it rounds to the stored one.
          (next) => field && Math.fround(Number(fields[field])) !== next && (fields[field] = next),
          "float32",
        ),
        `${name} of ${className}`,
      ),
    });
  };
  node.children.push({
    name: "iter",
    node: variableNode(
      scalarVariable(
        () => optimizer.iterations,
        (next) => (iterations = next),
        "int64",
      ),
      `iter of ${className}`,
    ),
  });
  const slotNames: Record<string, Array<[string, string]>> = {
    Adam: [
      ["m", "accumulatedFirstMoment"],
      ["v", "accumulatedSecondMoment"],
    ],
    Adamax: [
      ["m", "accumulatedFirstMoment"],
      ["v", "accumulatedWeightedInfNorm"],
    ],
    RMSProp: [
      ["rms", "accumulatedMeanSquares"],
      ["momentum", "accumulatedMoments"],
    ],
    Adagrad: [["accumulator", "accumulatedGrads"]],
    Momentum: [["momentum", "accumulations"]],
  };
  if (className === "Adam" || className === "Adamax") {
    hyper("beta_1", "beta1");
    hyper("beta_2", "beta2");
  }
  hyper("decay", undefined);
  hyper("learning_rate", "learningRate");
  const pending = new Map<string, tfc.Tensor[]>();
  for (const [slotName, field] of slotNames[className] ?? []) {
    const entries = (fields[field] as SlotEntry[] | undefined) ?? [];
    const restored: tfc.Tensor[] = [];
    pending.set(slotName, restored);
    trainable.forEach((variable, index) => {
      const entry = entries[index];
      const shape = variable.variable!.shape;
      const slot: SaveableVariable = {
        dtype: "float32",
        shape,
        read: () => entry?.variable ?? tfc.zeros(shape),
        assign: (value) => void (restored[index] = value),
      };
      // Slots that training has not created yet are not saved (tf.keras creates them lazily too),
      // but a restore fills them in, so training resumes from the saved state.
      if (entry || forRestore) node.slots!.push({ variable, slotName, slot: variableNode(slot, `slot ${slotName} of ${className}`) });
    });
  }
  node.afterRestore = async () => {
    const groups = [...pending.values()];
    const complete = groups.length > 0 && groups.every((group) => trainable.every((_, index) => group[index] !== undefined));
    const weights: Array<{ name: string; tensor: tfc.Tensor }> = [{ name: "iter", tensor: tfc.scalar(iterations, "int32") }];
    if (complete) for (const [slotName, group] of pending) group.forEach((tensor, index) => weights.push({ name: `${index}/${slotName}`, tensor }));
    if (complete || groups.length === 0) await optimizer.setWeights(weights);
    replayBiasCorrectionPowers(optimizer, iterations);
  };
  return node;
}
