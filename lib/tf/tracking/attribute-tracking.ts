import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

/**
 * Objects tracked by attribute, as Keras and tf.Module track them (custom layers, subclassed models):
 * they list their saveable children under the property names, so checkpoints name them
 * `dense/kernel/.ATTRIBUTES/VARIABLE_VALUE` and weights are collected from the properties.
 */
export const trackedChildren = Symbol.for("tskeras.trackedChildren");

/**
 * On objects that create variables lazily and assign them as properties (tf.Module's build-on-call
 * pattern): registers a listener called after each property assignment holding something saveable,
 * so a restore made before the variables existed fills them in as they appear.
 */
export const onAttributeSet = Symbol.for("tskeras.onAttributeSet");

export interface AttributeTracked {
  [trackedChildren](): Array<[string, unknown]>;
}

export function isAttributeTracked(value: unknown): value is AttributeTracked {
  return typeof value === "object" && value !== null && typeof (value as Partial<AttributeTracked>)[trackedChildren] === "function";
}

/** Properties that belong to the tfjs machinery (set by tfjs constructors), never user attributes. */
const infrastructure = new WeakMap<object, Set<string>>();

export function markInfrastructure(object: object, keys: string[] = Object.keys(object)): void {
  const known = infrastructure.get(object) ?? new Set<string>();
  for (const key of keys) known.add(key);
  infrastructure.set(object, known);
}

/**
 * Fields tfjs-layers sets on layers and models after construction (compile, fit, graph building);
 * like Keras's reserved attributes, they are never user attributes.
 */
const tfjsFields = new Set(
  (
    "_addedWeightNames _built _callHook _losses _nonTrainableWeights _refCount _stateful _trainableWeights _updates " +
    "activityRegularizer batchInputShape built collectedTrainableWeights containerNodes dtype fastWeightInitDuringBuild feedInputNames " +
    "feedInputShapes feedLossFns feedOutputNames feedOutputShapes history id inboundNodes initialWeights inputLayers inputLayersNodeIndices " +
    "inputLayersTensorIndices inputNames inputSpec inputs internalContainerRefs internalInputShapes internalOutputShapes isOptimizerOwned " +
    "isTraining layers layersByDepth loss lossFunctions metrics metricsNames metricsTensors name nodesByDepth optimizer_ outboundNodes " +
    "outputLayers outputLayersNodeIndices outputLayersTensorIndices outputNames outputs stopTraining_ supportsMasking testFunction trainable_ " +
    "userDefinedMetadata trainFunction predictFunction"
  ).split(" "),
);

/** The user's attributes of an object, in assignment order (what Keras's `__setattr__` would have seen). */
export function attributeEntries(object: object): Array<[string, unknown]> {
  const skip = infrastructure.get(object);
  return Object.entries(object).filter(([key]) => !skip?.has(key) && !tfjsFields.has(key));
}

/** Arrays and plain objects are looked into, like Keras's tracked lists and dicts. */
export function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function leaves(value: unknown, into: unknown[], seen: Set<unknown>): void {
  if (!isPlainContainer(value)) {
    into.push(value);
    return;
  }
  if (seen.has(value)) return;
  seen.add(value);
  for (const item of Array.isArray(value) ? value : Object.values(value)) leaves(item, into, seen);
}

function attributeLeaves(object: object): unknown[] {
  const found: unknown[] = [];
  const seen = new Set<unknown>();
  for (const [, value] of attributeEntries(object)) leaves(value, found, seen);
  return [...new Set(found)];
}

/** Layers held in the object's attributes (directly or in arrays/plain objects), in assignment order. */
export function trackedLayers(object: object): tfl.layers.Layer[] {
  return attributeLeaves(object).filter((leaf): leaf is tfl.layers.Layer => leaf instanceof tfl.layers.Layer && leaf !== object);
}

/** Variables held in the object's attributes (tf.Variable, tfjs variables), in assignment order. */
export function trackedVariables(object: object): tfc.Variable[] {
  return attributeLeaves(object).filter((leaf): leaf is tfc.Variable => leaf instanceof tfc.Variable);
}
