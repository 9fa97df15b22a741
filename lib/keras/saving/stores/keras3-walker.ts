/**
 * The one walk over a model's saveable objects, as Keras 3's `saving_lib._save_state` does it, giving
 * each object's own variables their path in `model.weights.h5`: a Sequential/Functional model's
 * `layers` list first (items named `snake_case(ClassName)`, then `_1`, `_2`...), then every object's
 * attributes sorted by name (private ones last), recursing into layers and into arrays/plain objects
 * of layers. An object reached twice is written once, at its first path. So a custom layer that holds
 * `this.inner = new Dense(3)` is written as `layers/block/inner/vars/0`, as Python writes and expects.
 * The `.keras` and `.weights.h5` writers and the loader all use this walk, so files match Python's.
 *
 * @example
 * keras3VariableGroups(model).map((group) => group.path);   // ["vars", "layers/dense/vars", "layers/block/vars", "layers/block/inner/vars"]
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { attributeEntries, isPlainContainer } from "../../../tf/tracking/attribute-tracking.js";
import { userClassChain } from "../../library-classes.js";
import { isSubclassed, ownVariables } from "../../models/subclassed.js";
import { Layer } from "../../layers/layer.js";
import { hasKeras3WeightLayout, pythonClassName, type Keras3WeightLayout } from "../../layers/written-layers.js";
import { snakeCase } from "../../../util/naming.js";

/** One object's own variables and the group they are saved in (`<path>/vars/<i>`). */
export interface Keras3VariableGroup {
  /** The `vars` group: `layers/dense/vars`, `layers/block/inner/vars`, or `vars` for the model itself. */
  path: string;
  /** The object's name, written as the group's `name` attribute (as Keras does). */
  name: string;
  variables: tfl.LayerVariable[];
}

/**
 * Built-in (tfjs) layers whose weights live on child layers, as [the attribute Keras saves the child
 * under, the tfjs property holding it]: Keras's RNN layers keep theirs on `cell`, a Bidirectional on
 * `forward_layer`/`backward_layer` (each an RNN with its `cell`).
 */
const builtInChildren: Record<string, Array<[kerasName: string, property: string]>> = {
  LSTM: [["cell", "cell"]],
  GRU: [["cell", "cell"]],
  SimpleRNN: [["cell", "cell"]],
  ConvLSTM2D: [["cell", "cell"]],
  RNN: [["cell", "cell"]],
  StackedRNNCells: [["cells", "cells"]],
  Bidirectional: [
    ["backward_layer", "backwardLayer"],
    ["forward_layer", "forwardLayer"],
  ],
};

/** Python's sort key for attribute names: private (`_x`) attributes are visited last. */
function attributeOrder(left: [string, unknown], right: [string, unknown]): number {
  const key = (name: string) => (name.startsWith("_") ? `~${name}` : name);
  const a = key(left[0]);
  const b = key(right[0]);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether the walk looks into a layer's attributes: the user's classes and tskeras's Layer base do; tfjs's built-ins expose fixed children only. */
function walksAttributes(layer: tfl.layers.Layer): boolean {
  return layer instanceof Layer || userClassChain(layer).length > 0;
}

function childrenOf(object: tfl.layers.Layer): Array<[string, unknown]> {
  const children: Array<[string, unknown]> = [];
  if (object instanceof tfl.LayersModel && !isSubclassed(object)) {
    // Sequential and Functional: the layers list first, nothing else of theirs is saveable.
    children.push(["layers", object.layers]);
    return children;
  }
  const fixed = builtInChildren[object.getClassName()];
  if (fixed && !walksAttributes(object)) return fixed.map(([kerasName, property]) => [kerasName, (object as unknown as Record<string, unknown>)[property]]);
  if (!walksAttributes(object)) return children;
  const attributes = attributeEntries(object);
  // A subclassed model's `layers` is a property in Keras too, visited in its sorted place.
  if (object instanceof tfl.LayersModel && !attributes.some(([name]) => name === "layers")) attributes.push(["layers", object.layers]);
  return attributes.sort(attributeOrder);
}

/**
 * The groups of own variables of every saveable object under the model (the optimizer is not walked:
 * its variables are written by the optimizer mapping). Groups appear in walk order.
 */
export function keras3VariableGroups(model: tfl.LayersModel): Keras3VariableGroup[] {
  const groups: Keras3VariableGroup[] = [];
  const visited = new Set<object>();
  const join = (path: string, name: string) => (path === "" ? name : `${path}/${name}`);

  const visitContainer = (container: unknown, path: string): void => {
    const items = Array.isArray(container) ? container : Object.values(container as Record<string, unknown>);
    const used = new Map<string, number>();
    const unique = (base: string) => {
      const count = used.get(base);
      used.set(base, count === undefined ? 0 : count + 1);
      return count === undefined ? base : `${base}_${count + 1}`;
    };
    for (const item of items) {
      if (item instanceof tfl.layers.Layer) visitObject(item, join(path, unique(snakeCase(pythonClassName(item)))), false);
      else if (isPlainContainer(item)) visitContainer(item, join(path, unique("container")));
    }
  };

  // A layer that states where Keras keeps each of its weights (MultiHeadAttention's `query_dense/vars/0`,
  // TimeDistributed's `layer/vars/0`) gets exactly those groups.
  const visitLayout = (object: tfl.layers.Layer & Keras3WeightLayout, path: string): void => {
    const layout = object.keras3WeightPaths();
    const byPath = new Map<string, Keras3VariableGroup>();
    const groupAt = (relative: string): Keras3VariableGroup => {
      const full = join(path, relative);
      let group = byPath.get(full);
      if (group === undefined) {
        group = { path: full, name: object.name, variables: [] };
        byPath.set(full, group);
        groups.push(group);
      }
      return group;
    };
    for (const relative of ["vars", ...layout.emptyGroups]) groupAt(relative);
    object.weights.forEach((weight, index) => {
      // A weight Keras keeps under two attributes (SpectralNormalization's kernel) is saved at each of its paths.
      const weightPaths = layout.weights[index]!;
      for (const weightPath of Array.isArray(weightPaths) ? weightPaths : [weightPaths]) {
        const slash = weightPath.lastIndexOf("/");
        groupAt(weightPath.slice(0, slash)).variables[Number(weightPath.slice(slash + 1))] = weight;
      }
    });
  };

  const visitObject = (object: tfl.layers.Layer, path: string, root: boolean): void => {
    if (visited.has(object)) return;
    visited.add(object);
    if (!root && hasKeras3WeightLayout(object)) {
      visitLayout(object, path);
      return;
    }
    const group: Keras3VariableGroup = { path: join(path, "vars"), name: object.name, variables: [] };
    groups.push(group);
    const children = childrenOf(object);
    for (const [name, child] of children) {
      if (child instanceof tfl.layers.Layer) visitObject(child, join(path, name), false);
      else if (isPlainContainer(child)) visitContainer(child, join(path, name));
    }
    // Own variables: what the object holds that none of its walked children does (Keras's `_trainable_variables + _non_trainable_variables`).
    if (root) {
      group.variables = isSubclassed(model) ? ownVariables(model) : [];
      return;
    }
    const ofChildren = new Set(children.flatMap(([, child]) => layersIn(child)).flatMap((layer) => layer.weights));
    group.variables = object.weights.filter((weight) => !ofChildren.has(weight));
  };

  visitObject(model, "", true);
  return groups;
}

function layersIn(value: unknown, seen = new Set<unknown>()): tfl.layers.Layer[] {
  if (value instanceof tfl.layers.Layer) return [value];
  if (!isPlainContainer(value) || seen.has(value)) return [];
  seen.add(value);
  return (Array.isArray(value) ? value : Object.values(value)).flatMap((item) => layersIn(item, seen));
}

/** Every variable with its dataset path (`layers/block/inner/vars/0`), in walk order. */
export function keras3VariablePaths(model: tfl.LayersModel): Array<{ path: string; variable: tfl.LayerVariable; owner: string }> {
  return keras3VariableGroups(model).flatMap((group) =>
    group.variables.map((variable, index) => ({ path: `${group.path}/${index}`, variable, owner: group.name })),
  );
}
