/**
 * `tf.savedModel.save(obj, dir, { signatures })` for plain objects and class instances (what
 * TensorFlow saves from a `tf.Module`): properties holding tfjs-core Variables become variables of
 * the object graph and the checkpoint, properties holding `tf.function`s become saved functions
 * with every concrete function traced so far, nested objects and arrays become child objects.
 * Signatures (given, or the only `tf.function` with an input signature) are written to the
 * MetaGraph so `tf.savedModel.load(dir).signatures.serving_default` runs them.
 *
 * @example
 * ```ts
 * const module = { v: tf.variable(tf.scalar(2)), call: tf.function((x) => tf.mul(x, module.v), { inputSignature: [new tf.TensorSpec([])] }) };
 * await saveObjectSavedModel(module, "my_module");
 * ```
 */
import { storedTensor } from "../tracking/checkpoint-tree.js";
import { writeDirectoryAtomic } from "../../io/atomic-directory.js";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import { buildObjectGraph, VARIABLE_VALUE, writeBundle, type TrackableNode } from "../../formats/checkpoint/index.js";
import type { SavedObject } from "../../formats/protobuf/messages.js";
import { encodeFunctionSpec, positionalFunctionStructures } from "../../formats/savedmodel/structured-value.js";
import { dataTypeCode } from "../../formats/savedmodel/graph-dtypes.js";
import { isTfFunction, type ConcreteTfFunction, type TfFunction } from "./tf-function.js";
import { isResourceArgument, shapeProto, writeSavedModelFiles } from "./write-saved-model.js";

export interface SaveObjectOptions {
  /** Signature key → tf.function (its input signature's concrete function) or concrete function. */
  signatures?: Record<string, TfFunction | ConcreteTfFunction> | TfFunction | ConcreteTfFunction;
}

interface ObjectNode {
  kind: "object" | "list" | "variable" | "function";
  children: Array<{ name: string; node: ObjectNode }>;
  variable?: tfc.Variable;
  fn?: TfFunction;
}

const version = { producer: 1, min_consumer: 1, bad_consumers: [] };

export async function saveObjectSavedModel(object: object, directory: string, options: SaveObjectOptions = {}): Promise<void> {
  await writeDirectoryAtomic(directory, (temporary) => {
    mkdirSync(join(temporary, "variables"));
    mkdirSync(join(temporary, "assets"));
    writeInto(object, temporary, options);
  });
}

function buildTree(object: object): ObjectNode {
  const seen = new Map<unknown, ObjectNode>();
  const visit = (value: unknown): ObjectNode | undefined => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (value instanceof tfc.Variable) {
      const node: ObjectNode = { kind: "variable", children: [], variable: value };
      seen.set(value, node);
      return node;
    }
    if (isTfFunction(value)) {
      const node: ObjectNode = { kind: "function", children: [], fn: value };
      seen.set(value, node);
      return node;
    }
    if (typeof value !== "object" || value === null || value instanceof tfc.Tensor) return undefined;
    const node: ObjectNode = { kind: Array.isArray(value) ? "list" : "object", children: [] };
    seen.set(value, node);
    for (const [name, child] of Object.entries(value)) {
      const childNode = visit(child);
      // Objects holding nothing to save are left out, as TensorFlow tracks only trackables.
      if (childNode !== undefined && (childNode.kind !== "object" && childNode.kind !== "list" ? true : childNode.children.length > 0))
        node.children.push({ name, node: childNode });
    }
    return node;
  };
  return visit(object)!;
}

function writeInto(object: object, directory: string, options: SaveObjectOptions): void {
  const tree = buildTree(object);
  // Breadth-first ids, as buildObjectGraph numbers the checkpoint's object graph.
  const order: ObjectNode[] = [tree];
  const ids = new Map<ObjectNode, number>([[tree, 0]]);
  for (let index = 0; index < order.length; index++) {
    for (const child of order[index]!.children) {
      if (ids.has(child.node)) continue;
      ids.set(child.node, order.length);
      order.push(child.node);
    }
  }
  const variableIds = new Map<tfc.Variable, number>();
  order.forEach((node, id) => node.variable && variableIds.set(node.variable, id));

  const converted = new Map<ObjectNode, TrackableNode>();
  const convert = (node: ObjectNode): TrackableNode => {
    const known = converted.get(node);
    if (known) return known;
    const result: TrackableNode = {};
    converted.set(node, result);
    if (node.variable)
      result.attributes = [
        {
          name: VARIABLE_VALUE,
          tensor: storedTensor({ dtype: node.variable.dtype, shape: node.variable.shape, read: () => node.variable! }),
          fullName: node.variable.name,
        },
      ];
    result.children = node.children.map((child) => ({ name: child.name, node: convert(child.node) }));
    return result;
  };
  const { graph, tensors } = buildObjectGraph(convert(tree));
  writeBundle(join(directory, "variables", "variables"), tensors);

  // Concrete functions of every saved tf.function, and the signatures.
  const concreteFunctions = new Map<string, ConcreteTfFunction>();
  const boundInputs = (concrete: ConcreteTfFunction): number[] =>
    concrete.traced.captured.map((variable) => {
      const id = variableIds.get(variable);
      if (id === undefined) {
        throw new Error(
          `Function ${concrete.traced.definition.signature.name} reads the variable "${variable.name}", which is not reachable from the saved object. ` +
            `Keep every variable a tf.function uses as a property of the object (or of an object it holds) before saving.`,
        );
      }
      return id;
    });
  const objects: SavedObject[] = graph.nodes.map((checkpointNode, id) => {
    const node = order[id]!;
    const object: SavedObject = {
      children: (checkpointNode.children ?? []).map((child) => ({ node_id: child.node_id, local_name: child.local_name })),
      slot_variables: [],
    };
    if (node.kind === "variable") {
      const variable = node.variable!;
      object.variable = { dtype: dataType(variable.dtype), shape: shapeProto(variable.shape), trainable: variable.trainable, name: variable.name };
    } else if (node.kind === "function") {
      const traced = node.fn!.concreteFunctions();
      if (traced.length === 0) {
        throw new Error(
          `The tf.function at "${order.indexOf(node)}" was never traced: call it once, or give it an inputSignature, before saving (TensorFlow saves traced functions only).`,
        );
      }
      traced.forEach((concrete) => concreteFunctions.set(concrete.traced.definition.signature.name, concrete));
      const argumentNames = traced[0]!.traced.definition.signature.input_arg
        .filter((argument) => !isResourceArgument(argument))
        .map((argument) => argument.name);
      const declared = node.fn!.inputSignature;
      object.function = {
        concrete_functions: traced.map((concrete) => concrete.traced.definition.signature.name),
        function_spec: encodeFunctionSpec({
          args: argumentNames,
          inputSignature: declared?.map((spec, position) => ({
            name: spec.name ?? argumentNames[position]!,
            shape: spec.shape ?? [],
            dtype: dataType(spec.dtype),
          })),
        }),
      };
    } else {
      object.user_object = { identifier: node.kind === "list" ? "trackable_list_wrapper" : "_generic_user_object", version };
    }
    return object;
  });

  const signatures = signatureFunctions(tree, options.signatures).map(([key, concrete]) => {
    const definition = concrete.traced.definition;
    const name = definition.signature.name.replace(/^__inference_/, "__inference_signature_wrapper_");
    // A signature gets its own copy of the traced function under TensorFlow's wrapper name: it is
    // called with keywords, while the tf.function's own trace is called positionally.
    const inputs = definition.signature.input_arg
      .filter((argument) => !isResourceArgument(argument))
      .map((argument, position) => ({ name: argument.name, shape: concrete.inputSignature[position]!.shape ?? [], dtype: argument.type! }));
    const structure = concrete.traced.structure;
    const outputNames = structure.kind === "record" ? structure.keys : definition.signature.output_arg.map((_, position) => `output_${position}`);
    const outputs = definition.signature.output_arg.map((argument, position) => ({
      name: outputNames[position]!,
      shape: concrete.outputSpecs[position]!.shape ?? [],
      dtype: argument.type!,
    }));
    return { key, definition: { ...definition, signature: { ...definition.signature, name } }, inputs, outputs, boundInputs: boundInputs(concrete) };
  });
  const variables = order.flatMap((node, id) =>
    node.variable ? [{ objectId: id, name: node.variable.name, dtype: dataType(node.variable.dtype), shape: node.variable.shape }] : [],
  );
  const functions = [...concreteFunctions.values()].map((concrete) => ({
    definition: concrete.traced.definition,
    boundInputs: boundInputs(concrete),
    structures: functionStructures(concrete),
  }));
  writeSavedModelFiles(directory, { objects, variables, signatures, functions });
}

/** Signatures as [key, concrete function]: the option, else the only tf.function with an input signature (as TensorFlow picks it). */
function signatureFunctions(tree: ObjectNode, signatures: SaveObjectOptions["signatures"]): Array<[string, ConcreteTfFunction]> {
  const concreteOf = (value: TfFunction | ConcreteTfFunction, key: string): ConcreteTfFunction => {
    if (isTfFunction(value)) {
      if (value.inputSignature === undefined) {
        const traced = value.concreteFunctions();
        if (traced.length !== 1)
          throw new Error(
            `Signature "${key}" is a tf.function without inputSignature traced ${traced.length} times; pass fn.getConcreteFunction(spec) or give it an inputSignature.`,
          );
        return traced[0]!;
      }
      return value.getConcreteFunction();
    }
    return value;
  };
  if (signatures !== undefined) {
    if (typeof signatures === "function") return [["serving_default", concreteOf(signatures, "serving_default")]];
    return Object.entries(signatures).map(([key, value]) => [key, concreteOf(value, key)]);
  }
  const withSignature = [...collectFunctions(tree)].filter((fn) => fn.inputSignature !== undefined);
  return withSignature.length === 1 ? [["serving_default", withSignature[0]!.getConcreteFunction()]] : [];
}

function collectFunctions(node: ObjectNode, seen = new Set<ObjectNode>()): Set<TfFunction> {
  const found = new Set<TfFunction>();
  if (seen.has(node)) return found;
  seen.add(node);
  if (node.fn) found.add(node.fn);
  for (const child of node.children) collectFunctions(child.node, seen).forEach((fn) => found.add(fn));
  return found;
}

function dataType(dtype: string): number {
  try {
    return dataTypeCode(dtype);
  } catch {
    throw new Error(`Variables of dtype ${dtype} cannot be saved in a SavedModel yet (float32, int32, bool).`);
  }
}

/** The Python structure of a tf.function's trace, which TensorFlow's loader needs: it is called positionally. */
function functionStructures(concrete: ConcreteTfFunction): { canonicalized_input_signature: Uint8Array; output_signature: Uint8Array } {
  const definition = concrete.traced.definition;
  const inputs = definition.signature.input_arg
    .filter((argument) => !isResourceArgument(argument))
    .map((argument, position) => ({ name: argument.name, shape: concrete.inputSignature[position]!.shape ?? [], dtype: argument.type! }));
  const structure = concrete.traced.structure;
  const names = structure.kind === "record" ? structure.keys : definition.signature.output_arg.map((_, position) => `output_${position}`);
  const outputs = definition.signature.output_arg.map((argument, position) => ({
    name: names[position]!,
    shape: concrete.outputSpecs[position]!.shape ?? [],
    dtype: argument.type!,
  }));
  return positionalFunctionStructures(
    inputs,
    outputs,
    structure.kind === "record" ? "dict" : structure.kind === "tensor" ? "single" : structure.kind === "none" ? "none" : "tuple",
  );
}
