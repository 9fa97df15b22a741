import type * as tfl from "@tensorflow/tfjs-layers";
import type { ModelSummaryData, SummaryRow } from "../../display/renderers/model-summary.js";
import { isSubclassed } from "./subclassed.js";
import { modelClassName } from "../saving/serialization.js";

/** Keras 2 prints shapes as Python tuples: `(None, 512)`; a one-element tuple keeps its comma. */
export function formatShape(shape: ReadonlyArray<number | null>): string {
  const items = shape.map((dimension) => (dimension === null ? "None" : String(dimension)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}

function outputShapeText(layer: tfl.layers.Layer): string {
  try {
    const shape = layer.outputShape as unknown;
    if (Array.isArray(shape) && Array.isArray(shape[0])) return `[${(shape as (number | null)[][]).map(formatShape).join(", ")}]`;
    // Keras 2's InputLayer reports its shape as a one-item list: `[(None, 32)]`.
    const text = formatShape(shape as (number | null)[]);
    return layer.getClassName() === "InputLayer" ? `[${text}]` : text;
  } catch {
    return "multiple"; // Keras's word for a layer used more than once or not yet connected
  }
}

function countWeights(weights: ReadonlyArray<{ shape: ReadonlyArray<number | null> }>): number {
  return weights.reduce((total, weight) => total + weight.shape.reduce<number>((size, dimension) => size * (dimension ?? 0), 1), 0);
}

/**
 * One row in Keras's fixed columns (Keras 2.9+ `print_row`): a leading space, then each field padded
 * to end at its column position and cut to leave two spaces before the next column.
 */
function layoutRow(fields: string[], positions: number[]): string {
  let line = " ";
  fields.forEach((field, index) => {
    const end = positions[index];
    const room = end - line.length - (index === fields.length - 1 ? 0 : 2);
    line += field.slice(0, Math.max(0, room));
    line += " ".repeat(Math.max(0, end - line.length));
  });
  return line;
}

/** `Connected to` entries of Keras 2: `dense[0][0]` for each inbound tensor. */
function inboundNames(layer: tfl.layers.Layer, modelNodeKeys: Set<string> | undefined): string[] {
  const names: string[] = [];
  layer.inboundNodes.forEach((node, nodeIndex) => {
    if (modelNodeKeys && !modelNodeKeys.has(`${layer.name}_ib-${nodeIndex}`)) return;
    node.inboundLayers.forEach((inbound, index) => {
      names.push(`${inbound.name}[${node.nodeIndices[index]}][${node.tensorIndices[index]}]`);
    });
  });
  return names;
}

/**
 * The Keras 2 summary of a model, as data and as Keras's exact text (65 columns at 45%/85% for
 * sequential models, 98 columns with `Connected to` for functional ones).
 */
export function summarizeModel(model: tfl.LayersModel): ModelSummaryData {
  const sequentialLike = usesSequentialLayout(model);
  const lineLength = sequentialLike ? 65 : 98;
  const fractions = sequentialLike ? [0.45, 0.85, 1] : [0.3, 0.6, 0.7, 1];
  const positions = fractions.map((fraction) => Math.floor(lineLength * fraction));
  const headers = ["Layer (type)", "Output Shape", "Param #", ...(sequentialLike ? [] : ["Connected to"])];
  const nodeKeys = (model as unknown as { containerNodes?: Set<string> }).containerNodes;
  // Keras never lists a Sequential's input; tfjs keeps it in `layers` when the config starts with an InputLayer (model.json).
  // A functional model keeps its InputLayer row even when it is laid out like a Sequential one.
  const isSequential = model.getClassName() === "Sequential";
  const layers = isSequential ? model.layers.filter((layer) => layer.getClassName() !== "InputLayer") : model.layers;
  const rows: SummaryRow[] = layers.map((layer) => ({
    name: layer.name,
    type: printedClassName(layer),
    // tfjs gives an InputLayer's shape as a one-element list, which Keras 2 also prints: [(None, 4)].
    outputShape: outputShapeText(layer),
    params: layer.countParams(),
    ...(sequentialLike ? {} : { connectedTo: inboundNames(layer, nodeKeys) }),
    // A model used as a layer: its own summary, which the HTML table shows expandable.
    ...(isModel(layer) ? { nested: summarizeModel(layer) } : {}),
  }));
  const trainableParams = countWeights(model.trainableWeights);
  const nonTrainableParams = countWeights(model.nonTrainableWeights);

  const lines = [`Model: "${model.name}"`, "_".repeat(lineLength), layoutRow(headers, positions), "=".repeat(lineLength)];
  rows.forEach((row) => {
    // The Connected-to cell is a Python list repr, wrapped after "'," when it outgrows the column.
    const inbound = (row.connectedTo ?? []).map((name) => `'${name}'`);
    const pieces = inbound.length === 0 ? ["[]"] : inbound.map((name, index) => `${index === 0 ? "[" : ""}${name}${index === inbound.length - 1 ? "]" : ","}`);
    const connected: string[] = [];
    const room = positions[3] - positions[2];
    for (const piece of pieces) {
      const last = connected.length - 1;
      if (last >= 0 && (connected[last] + " " + piece).length <= room) connected[last] += ` ${piece}`;
      else connected.push(piece);
    }
    lines.push(layoutRow([`${row.name} (${row.type})`, row.outputShape, String(row.params), ...(sequentialLike ? [] : [connected[0]])], positions));
    if (!sequentialLike) for (const extra of connected.slice(1)) lines.push(layoutRow(["", "", "", extra], positions));
    lines.push(" ".repeat(lineLength)); // Keras separates rows (and ends the table) with a line of spaces
  });
  const count = (value: number) => value.toLocaleString("en-US");
  lines.push(
    "=".repeat(lineLength),
    `Total params: ${count(trainableParams + nonTrainableParams)}`,
    `Trainable params: ${count(trainableParams)}`,
    `Non-trainable params: ${count(nonTrainableParams)}`,
    "_".repeat(lineLength),
  );
  return {
    name: model.name,
    className: printedClassName(model),
    rows,
    totalParams: trainableParams + nonTrainableParams,
    trainableParams,
    nonTrainableParams,
    ...(optimizerSummary(model) ?? {}),
    text: lines.join("\n"),
  };
}

/** The class name Keras 2 prints in a summary: a model's is the one it is saved under (`Functional`, its own class). */
function printedClassName(layer: tfl.layers.Layer): string {
  return isModel(layer) ? modelClassName(layer) : layer.getClassName();
}

function isModel(layer: tfl.layers.Layer): layer is tfl.LayersModel {
  return Array.isArray((layer as Partial<tfl.LayersModel>).layers) && typeof (layer as Partial<tfl.LayersModel>).evaluate === "function";
}

/**
 * The compiled optimizer's state: its step counter plus every slot variable it has created (tfjs
 * optimizers keep them in arrays of `{ originalName, variable }`, e.g. Adam's two moments per weight).
 */
function optimizerSummary(model: tfl.LayersModel): Pick<ModelSummaryData, "optimizer"> | undefined {
  const optimizer = (model as unknown as { optimizer?: { getClassName(): string } & Record<string, unknown> }).optimizer;
  if (!optimizer) return undefined;
  const slots = Object.values(optimizer).flatMap((value) =>
    Array.isArray(value)
      ? value.filter((entry): entry is { variable: { size: number } } => typeof (entry as { variable?: { size?: unknown } })?.variable?.size === "number")
      : [],
  );
  return { optimizer: { className: optimizer.getClassName(), variables: slots.length + 1, params: slots.reduce((sum, slot) => sum + slot.variable.size, 1) } };
}

/** Keras lays out Sequential models, subclassed models (no graph) and plain functional chains without `Connected to`. */
function usesSequentialLayout(model: tfl.LayersModel): boolean {
  return model.getClassName() === "Sequential" || isSubclassed(model) || isSequentialLike(model);
}

/**
 * Keras 2 prints a functional model without `Connected to` when it is a plain chain: every depth
 * holds one node, no node takes more than one input tensor, and no layer is called twice.
 */
function isSequentialLike(model: tfl.LayersModel): boolean {
  const byDepth = (model as unknown as { nodesByDepth?: Record<string, Array<{ inputTensors: unknown[]; outboundLayer: unknown }>> }).nodesByDepth ?? {};
  const nodes = Object.values(byDepth);
  if (!nodes.every((atDepth) => atDepth.length <= 1 && (atDepth[0]?.inputTensors.length ?? 0) <= 1)) return false;
  const layers = nodes.flatMap((atDepth) => atDepth.map((node) => node.outboundLayer));
  return new Set(layers).size === layers.length;
}
