import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { layerVariable, modelTrackables, optimizerTrackable } from "./trackables.js";
import { afterLayerBuild } from "./deferred-build.js";
import { variableNode, type SaveableVariable, type Trackable } from "../../tf/tracking/trackable.js";
import { isAttributeTracked, onAttributeSet, trackedChildren } from "../../tf/tracking/attribute-tracking.js";

function coreVariable(variable: tfc.Variable): SaveableVariable {
  return {
    dtype: variable.dtype,
    shape: [...variable.shape],
    read: () => variable,
    assign: (value) => variable.assign(value.dtype === variable.dtype ? value : tfc.cast(value, variable.dtype)),
    backing: variable,
  };
}

/**
 * The saveable tree of any object the way TensorFlow tracks attributes: Keras models and layers by
 * their Keras edges, optimizers by their state, variables as leaves, and other objects (tf.Module-like
 * classes, plain objects, arrays) through their properties, each property name an edge.
 */
export class TrackableBuilder {
  private readonly memo = new Map<object, Trackable>();
  private readonly layerVariables = new Map<tfl.LayerVariable, Trackable>();
  private readonly optimizers: Array<{ optimizer: tfc.Optimizer; node: Trackable; owner?: tfl.LayersModel }> = [];

  constructor(private readonly forRestore: boolean) {}

  /** A node for `value`, or undefined when it holds nothing saveable. */
  node(value: unknown, name = "object"): Trackable | undefined {
    if (typeof value !== "object" || value === null) return undefined;
    const known = this.memo.get(value);
    if (known) return known;
    if (value instanceof tfc.Variable) return this.remember(value, variableNode(coreVariable(value), `variable '${value.name}'`));
    if (value instanceof tfl.LayerVariable) return this.remember(value, variableNode(layerVariable(value), `weight '${value.name}'`));
    if (isAttributeTracked(value)) return this.attributeNode(value);
    if (value instanceof tfl.LayersModel) {
      const { root, variableNodes } = modelTrackables(value, { includeOptimizer: false });
      variableNodes.forEach((node, variable) => this.layerVariables.set(variable, node));
      this.remember(value, root);
      const optimizer = (value as unknown as { optimizer?: tfc.Optimizer }).optimizer;
      if (optimizer) root.children.push({ name: "optimizer", node: this.optimizerNode(optimizer, value) });
      return root;
    }
    if (value instanceof tfl.layers.Layer) {
      const node: Trackable = { children: [], description: `${value.getClassName()} layer '${value.name}'` };
      this.remember(value, node);
      const addWeights = () => {
        for (const weight of value.weights) {
          const child = this.node(weight)!;
          this.layerVariables.set(weight, child);
          node.children.push({ name: weight.originalName.split("/").pop()!, node: child });
        }
      };
      addWeights();
      // A layer not built yet has no weights: a restore waits for its first build (TensorFlow's deferred restoration).
      if (!value.built && this.forRestore) {
        node.onChildrenCreated = (listener) =>
          afterLayerBuild(value, () => {
            addWeights();
            listener();
          });
      }
      return node;
    }
    if (value instanceof tfc.Optimizer) return this.optimizerNode(value);
    // Any other object: its saveable properties (what tf.Module and Keras attribute tracking see).
    const node: Trackable = { children: [], description: name };
    this.remember(value, node);
    const addChildren = () => {
      for (const [key, item] of Array.isArray(value) ? value.map((entry, index) => [String(index), entry] as const) : Object.entries(value)) {
        if (key.startsWith("_") || node.children.some((child) => child.name === key)) continue;
        const child = this.node(item, key);
        if (child && (child.variable || child.children.length > 0 || child.slots || child.onChildrenCreated)) node.children.push({ name: key, node: child });
      }
    };
    addChildren();
    // A tf.Module that has not built yet (no saveable children): restore its variables as they are assigned.
    const observable = value as { [onAttributeSet]?: (listener: () => void) => void };
    if (this.forRestore && node.children.length === 0 && typeof observable[onAttributeSet] === "function") {
      node.onChildrenCreated = (listener) =>
        observable[onAttributeSet]!(() => {
          addChildren();
          listener();
        });
    }
    return node;
  }

  /** Custom layers and subclassed models: children by attribute name, like Keras's object tracking. */
  private attributeNode(value: object & { [trackedChildren](): Array<[string, unknown]> }): Trackable {
    const node: Trackable = { children: [], description: value instanceof tfl.layers.Layer ? `${value.getClassName()} '${value.name}'` : "object" };
    this.remember(value, node);
    for (const [key, item] of value[trackedChildren]()) {
      const child = this.node(item, key);
      if (child && (child.variable || child.children.length > 0 || child.slots || child.onChildrenCreated)) node.children.push({ name: key, node: child });
    }
    if (value instanceof tfl.layers.Layer) {
      // Optimizer slots refer to weights by object: register every weight's node.
      for (const weight of value.weights) {
        const weightNode = this.memo.get(weight);
        if (weightNode) this.layerVariables.set(weight, weightNode);
      }
    }
    const optimizer = value instanceof tfl.LayersModel ? (value as unknown as { optimizer?: tfc.Optimizer }).optimizer : undefined;
    if (optimizer) node.children.push({ name: "optimizer", node: this.optimizerNode(optimizer, value as unknown as tfl.LayersModel) });
    return node;
  }

  private optimizerNode(optimizer: tfc.Optimizer, owner?: tfl.LayersModel): Trackable {
    const known = this.memo.get(optimizer);
    if (known) return known;
    // Slots refer to the variables of the model being trained; resolved in finish().
    const node: Trackable = { children: [], description: `${optimizer.getClassName()} optimizer` };
    this.remember(optimizer, node);
    this.optimizers.push({ optimizer, node, owner });
    return node;
  }

  /** Fills in optimizer nodes once every model variable has its node. */
  finish(): void {
    for (const { optimizer, node, owner } of this.optimizers) {
      const model =
        owner ??
        [...this.memo.keys()].find(
          (object): object is tfl.LayersModel => object instanceof tfl.LayersModel && (object as unknown as { optimizer?: unknown }).optimizer === optimizer,
        );
      const trainable = (model?.trainableWeights ?? [])
        .map((weight) => this.layerVariables.get(weight))
        .filter((entry): entry is Trackable => entry !== undefined);
      Object.assign(node, optimizerTrackable(optimizer, trainable, this.forRestore));
    }
  }

  private remember(value: object, node: Trackable): Trackable {
    this.memo.set(value, node);
    return node;
  }
}
