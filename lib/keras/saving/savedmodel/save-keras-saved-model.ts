/**
 * `saveKerasSavedModel(model, dir)`: writes a Keras model as a tf-keras 2 SavedModel directory:
 * `saved_model.pb` (schema 1, tag `serve`, `serving_default`, the forward pass as a function,
 * SavedObjectGraph), `keras_metadata.pb` (node paths `root.layer_with_weights-0`, ... with
 * per-layer JSON), `variables/` (tensor bundle with the object graph, optimizer slots when
 * compiled), `assets/` and `fingerprint.pb`. Written into a temporary folder, then renamed.
 *
 * @example
 * ```ts
 * await saveKerasSavedModel(model, "my_model");
 * ```
 */
import { checkpointTree } from "../../../tf/tracking/checkpoint-tree.js";
import { writeDirectoryAtomic } from "../../../io/atomic-directory.js";
import { kerasModelJson } from "../serialization.js";
import { serializeKerasObject } from "../keras-json/serialize.js";
import { configurableLossOf, keras2LossConfig } from "../loss-config.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { buildObjectGraph, writeBundle } from "../../../formats/checkpoint/index.js";
import { kerasOptimizerConfig, UnsupportedOptimizerError, type KerasOptimizerConfig } from "../optimizer.js";
import { attributeName, modelTrackables, optimizerTrackable } from "../trackables.js";
import { submodulesOf } from "../../layers/submodules.js";
import { isSubclassed } from "../../models/subclassed.js";
import { kerasClassName, userClassLacksGetConfig } from "../../library-classes.js";
import { variableNode, type SaveableVariable, type Trackable } from "../../../tf/tracking/trackable.js";
import { kerasSavedMetadataMessage } from "../../../formats/protobuf/tensorflow.js";
import type { SavedObject } from "../../../formats/protobuf/messages.js";
import { dataTypeCode } from "../../../formats/savedmodel/graph-dtypes.js";
import { shapeProto, writeSavedModelFiles } from "../../../tf/function/write-saved-model.js";
import { forwardFunction } from "./forward-graph.js";
import { registeredNameOf } from "../keras-json/custom-objects.js";

export interface SaveKerasSavedModelOptions {
  /** Include the optimizer state (default true, like Keras). */
  includeOptimizer?: boolean;
  /**
   * Write the traced forward pass (function library and `serving_default`; default true, like
   * Keras `save_traces`). `false` writes a smaller directory whose model can only be rebuilt from
   * its config: every custom class must then override `getConfig`, and loading needs the classes.
   */
  saveTraces?: boolean;
}

/** The model's Keras class and config (no config for a subclassed model without getConfig). */
type ModelJson = { class_name: string; config?: Record<string, unknown>; registered_name?: string };

type ObjectKind = { identifier: string; metadata?: unknown; path?: string } | { variable: { name: string; trainable: boolean } };

export async function saveKerasSavedModel(model: tfl.LayersModel, directory: string, options: SaveKerasSavedModelOptions = {}): Promise<void> {
  // Refused before anything is written, as Keras checks get_config first.
  if (options.saveTraces === false) requireGetConfig(model);
  await writeDirectoryAtomic(directory, (temporary) => {
    mkdirSync(join(temporary, "variables"));
    mkdirSync(join(temporary, "assets"));
    writeInto(model, temporary, options);
  });
}

function writeInto(model: tfl.LayersModel, directory: string, options: SaveKerasSavedModelOptions): void {
  const saveTraces = options.saveTraces !== false;
  const sequential = model instanceof tfl.Sequential;
  const subclassed = isSubclassed(model);
  const kinds = new Map<Trackable, ObjectKind>();
  const modelJson: ModelJson = subclassed ? subclassedModelJson(model) : (kerasModelJson(model) as ModelJson);
  const layerConfigs = (modelJson.config?.["layers"] as Array<{ class_name: string; config: Record<string, unknown> }> | undefined) ?? [];

  // The same tree (and so the same checkpoint keys) as the TF-format checkpoints and the loader:
  // `layer_with_weights-0`/`layer-0` for graph models, attribute names for subclassed models and custom layers.
  const { root, variableNodes, layerNodes } = modelTrackables(model, { includeOptimizer: false });
  root.description = `model '${model.name}'`;
  for (const [layer, node] of layerNodes) {
    if (layer === model) continue;
    const config = layerConfigs.find((entry) => entry.config["name"] === layer.name);
    const identifier =
      layer.getClassName() === "InputLayer" ? "_tf_keras_input_layer" : layer instanceof tfl.LayersModel ? "_tf_keras_model" : "_tf_keras_layer";
    kinds.set(node, { identifier, metadata: layerMetadata(layer, config) });
  }
  const takenNames = new Set<string>();
  for (const [weight, node] of variableNodes) {
    const owner = model.layers.find((layer) => layer.weights.includes(weight));
    let name = owner ? `${owner.name}/${attributeName(weight)}` : weight.name.replace(/:\d+$/, "");
    for (let index = 1; takenNames.has(name); index++) name = `${name.replace(/_\d+$/, "")}_${index}`;
    takenNames.add(name);
    kinds.set(node, { variable: { name, trainable: weight.trainable } });
  }
  const variableName = (weight: tfl.LayerVariable): string => (kinds.get(variableNodes.get(weight)!) as { variable: { name: string } }).variable.name;

  const compiled = (model as unknown as { optimizer?: tfc.Optimizer }).optimizer;
  const metricNames = compiled ? ["loss", ...((model as unknown as { metricsNames?: string[] }).metricsNames ?? []).filter((name) => name !== "loss")] : [];
  if (compiled) {
    // Keras keeps a Mean for the loss and one object per compiled metric, each with total and count.
    const list: Trackable = { children: [] };
    kinds.set(list, { identifier: "trackable_list_wrapper" });
    metricNames.forEach((name, index) => {
      const metric: Trackable = { children: [] };
      kinds.set(metric, {
        identifier: "_tf_keras_metric",
        metadata: { class_name: index === 0 ? "Mean" : "MeanMetricWrapper", name, dtype: "float32", config: { name, dtype: "float32" } },
      });
      for (const field of ["total", "count"]) {
        const child = variableNode(zeroScalar());
        kinds.set(child, { variable: { name: field, trainable: false } });
        metric.children.push({ name: field, node: child });
      }
      list.children.push({ name: String(index), node: metric });
    });
    const api: Trackable = { children: [{ name: "metrics", node: list }] };
    kinds.set(api, { identifier: "_generic_user_object" });
    root.children.push({ name: "keras_api", node: api });
  }
  if (compiled && options.includeOptimizer !== false) {
    const trainable = model.trainableWeights.map((weight) => variableNodes.get(weight)).filter((node): node is Trackable => node !== undefined);
    const optimizer = optimizerTrackable(compiled, trainable, false);
    kinds.set(optimizer, { identifier: "optimizer" });
    const prefix = compiled.getClassName();
    for (const child of optimizer.children) kinds.set(child.node, { variable: { name: `${prefix}/${child.name}`, trainable: false } });
    for (const slot of optimizer.slots ?? []) {
      const original = [...variableNodes.entries()].find(([, node]) => node === slot.variable)?.[0];
      kinds.set(slot.slot, { variable: { name: `${prefix}/${original ? variableName(original) : "slot"}/${slot.slotName}`, trainable: false } });
    }
    root.children.push({ name: "optimizer", node: optimizer });
  }

  // Checkpoint tree and object ids (ids number the same tree in the checkpoint and the SavedObjectGraph).
  const { graph, tensors } = buildObjectGraph(checkpointTree(root, (node) => (kinds.get(node) as { variable?: { name: string } } | undefined)?.variable?.name));
  const ids = new Map<Trackable, number>([[root, 0]]);
  const walk = (node: Trackable, id: number): void => {
    node.children.forEach((child, index) => {
      const childId = graph.nodes[id]!.children![index]!.node_id!;
      if (ids.has(child.node)) return;
      ids.set(child.node, childId);
      walk(child.node, childId);
    });
    (node.slots ?? []).forEach((slot, index) => ids.set(slot.slot, graph.nodes[id]!.slot_variables![index]!.slot_variable_node_id!));
  };
  walk(root, 0);
  const byId = new Map([...ids.entries()].map(([node, id]) => [id, node] as const));
  writeBundle(join(directory, "variables", "variables"), tensors);

  // The forward function (the model's inference call, traced) as the serving_default signature.
  const functionName = `__inference_signature_wrapper_${Math.floor(Math.random() * 1e6)}`;
  const forward = saveTraces ? forwardFunction(model, functionName) : undefined;
  const variableObjectId = (weight: tfl.LayerVariable): number => ids.get(variableNodes.get(weight)!)!;
  const variableCode = (node: Trackable): number => dataTypeCode(node.variable!.dtype);
  const objects: SavedObject[] = graph.nodes.map((checkpointNode, id) => {
    const node = byId.get(id)!;
    const kind = kinds.get(node);
    const object: SavedObject = {
      children: (checkpointNode.children ?? []).map((child) => ({ node_id: child.node_id, local_name: child.local_name })),
      slot_variables: (checkpointNode.slot_variables ?? []).map((slot) => ({ ...slot })),
    };
    if (kind !== undefined && "variable" in kind) {
      object.variable = { dtype: variableCode(node), shape: shapeProto(node.variable!.shape), trainable: kind.variable.trainable, name: kind.variable.name };
    } else {
      const identifier =
        id === 0 ? (sequential ? "_tf_keras_sequential" : subclassed ? "_tf_keras_model" : "_tf_keras_network") : (kind?.identifier ?? "_generic_user_object");
      object.user_object = { identifier, version: { producer: 1, min_consumer: 1, bad_consumers: [] } };
    }
    return object;
  });
  const variables = [...ids.entries()]
    .filter(([node]) => node.variable !== undefined)
    .map(([node, objectId]) => ({
      objectId,
      name: (kinds.get(node) as { variable: { name: string } }).variable.name,
      dtype: variableCode(node),
      shape: node.variable!.shape,
    }));
  const boundInputs = forward ? forward.variables.map(variableObjectId) : [];
  // serving_default as tf-keras 2 writes it (keyword inputs); `serve` as Keras 3's model.export() writes
  // it: a signature of the same function, and a root function taking the inputs as one argument (a
  // tensor, or a list in the model's input order), which keras.layers.TFSMLayer(call_endpoint="serve") calls.
  const signatures = forward
    ? ["serving_default", "serve"].map((key) => ({
        key,
        definition: forward.definition,
        inputs: forward.inputs,
        outputs: forward.outputs,
        boundInputs,
        allowedPositionalArguments: 1,
      }))
    : [];
  const endpoints = forward
    ? [
        {
          name: "serve",
          inputs: forward.modelInputOrder.map((argument) => ({ ...forward.inputs[argument]!, argument })),
          inputStructure: forward.takesList ? ("list" as const) : ("tensor" as const),
          outputs: forward.outputs,
          outputStructure: forward.outputs.length > 1 ? ("list" as const) : ("tensor" as const),
          target: forward.definition,
          boundInputs,
        },
      ]
    : [];
  writeSavedModelFiles(directory, { objects, variables, signatures, functions: [], endpoints });

  // keras_metadata.pb: one entry per Keras object, named by its first path from the root.
  const paths = new Map<number, string>([[0, "root"]]);
  const queue = [0];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const child of objects[id]!.children) {
      if (paths.has(child.node_id!)) continue;
      paths.set(child.node_id!, `${paths.get(id)}.${child.local_name}`);
      queue.push(child.node_id!);
    }
  }
  const version = { producer: 2, min_consumer: 1, bad_consumers: [] };
  const modelInput = model.inputs[0];
  const rootMetadata = {
    name: model.name,
    trainable: model.trainable,
    expects_training_arg: true,
    dtype: "float32",
    batch_input_shape: null,
    must_restore_from_config: false,
    class_name: modelJson.class_name,
    ...(modelJson.config !== undefined ? { config: modelJson.config } : {}),
    ...(modelJson.registered_name !== undefined ? { registered_name: modelJson.registered_name } : {}),
    is_graph_network: !subclassed,
    // A subclassed model is rebuilt by calling it once on an input of this shape (Keras's build_input_shape).
    ...(subclassed && modelInput !== undefined ? { build_input_shape: modelInput.shape, input_dtype: modelInput.dtype } : {}),
    keras_version: "2.10.0",
    backend: "tensorflow",
    model_config: { class_name: modelJson.class_name, ...(modelJson.config !== undefined ? { config: modelJson.config } : {}) },
    training_config: compiled ? trainingConfig(model, compiled, metricNames) : null,
  };
  const metadataNodes = [{ node_id: 0, node_path: "root", identifier: objects[0]!.user_object!.identifier, metadata: JSON.stringify(rootMetadata), version }];
  for (const [node, kind] of kinds) {
    if ("variable" in kind || kind.metadata === undefined) continue;
    const id = ids.get(node)!;
    metadataNodes.push({ node_id: id, node_path: paths.get(id)!, identifier: kind.identifier, metadata: JSON.stringify(kind.metadata), version });
  }
  metadataNodes.sort((left, right) => left.node_id - right.node_id);
  writeFileSync(
    join(directory, "keras_metadata.pb"),
    kerasSavedMetadataMessage.encode(kerasSavedMetadataMessage.fromObject({ nodes: metadataNodes })).finish(),
  );
}

/**
 * Without traces the model comes back only through its config, so (as Keras checks) every user
 * class among the model and its layers (nested ones included) must define getConfig itself rather
 * than inherit a built-in one. Checked before anything is written.
 */
function requireGetConfig(model: tfl.LayersModel): void {
  for (const object of [model, ...submodulesOf(model)]) {
    if (!userClassLacksGetConfig(object)) continue;
    const name = object.constructor.name;
    throw new Error(
      `Cannot save with saveTraces: false: the custom class ${name} does not override getConfig, so it could not be rebuilt from the saved config ` +
        `(as Keras: saving with save_traces=False requires get_config). Nothing was written. ` +
        `Add getConfig() (returning its constructor arguments) to ${name}, or save with traces (the default).`,
    );
  }
}

/**
 * A subclassed model's Keras class and config: the config only when the class defines getConfig
 * (Keras 2 writes none otherwise, and only the saved forward pass or the class itself can bring it back).
 */
function subclassedModelJson(model: tfl.LayersModel): ModelJson {
  const registeredName = registeredNameOf(model.constructor);
  return {
    class_name: kerasClassName(model),
    ...(userClassLacksGetConfig(model) ? {} : { config: model.getConfig() as Record<string, unknown> }),
    ...(registeredName !== undefined ? { registered_name: registeredName } : {}),
  };
}

function layerMetadata(layer: tfl.layers.Layer, config: { class_name: string; config: Record<string, unknown> } | undefined): unknown {
  const inputShape = layer.inboundNodes[0]?.inputTensors[0]?.shape ?? null;
  return {
    name: layer.name,
    trainable: layer.trainable,
    expects_training_arg: ["Dropout", "BatchNormalization"].includes(layer.getClassName()),
    dtype: "float32",
    batch_input_shape: config?.config["batch_input_shape"] ?? null,
    stateful: false,
    must_restore_from_config: false,
    class_name: layer.getClassName(),
    config: config?.config ?? layerConfigOrNull(layer),
    build_input_shape: inputShape,
  };
}

/** A layer's own config, or null when it cannot give one (a user class whose getConfig throws). */
function layerConfigOrNull(layer: tfl.layers.Layer): unknown {
  try {
    return serializeKerasObject(layer).config;
  } catch {
    return null;
  }
}

function trainingConfig(model: tfl.LayersModel, optimizer: tfc.Optimizer, metricNames: string[]): unknown {
  const loss = (model as unknown as { loss?: unknown }).loss;
  const lossName = typeof loss === "string" ? loss : typeof loss === "function" ? (loss as { name?: string }).name : undefined;
  let optimizerConfig: KerasOptimizerConfig | null = null;
  try {
    optimizerConfig = kerasOptimizerConfig(optimizer);
  } catch (error) {
    // The model still saves and predicts; loading it gives an uncompiled model (with a warning).
    if (!(error instanceof UnsupportedOptimizerError)) throw error;
  }
  return {
    loss: configurableLossOf(loss)
      ? keras2LossConfig(configurableLossOf(loss)!)
      : lossName
        ? lossName.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
        : null,
    metrics: [metricNames.slice(1).map((name) => ({ class_name: "MeanMetricWrapper", config: { name, dtype: "float32" } }))],
    optimizer_config: optimizerConfig ? { class_name: optimizerConfig.className, config: optimizerConfig.config } : null,
  };
}

function zeroScalar(): SaveableVariable {
  return { dtype: "float32", shape: [], read: () => tfc.scalar(0), assign: () => undefined };
}
