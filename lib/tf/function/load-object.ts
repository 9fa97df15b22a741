/**
 * Rebuilds the object tree of a SavedModel without its original class (Python's
 * `tf.saved_model.load` returning a `_UserObject`): variables become tfjs-core Variables holding
 * the checkpoint values, saved functions become callables that pick the concrete function whose
 * input signature fits the arguments and run its graph, nested objects become plain objects.
 *
 * @example
 * ```ts
 * const { root } = reviveObjectGraph(savedModel);
 * (root.call as (x: tf.Tensor) => tf.Tensor)(tf.scalar(3)); // the saved function's result
 * ```
 */
import * as tfc from "@tensorflow/tfjs-core";
import { loadCheckpoint } from "../../formats/checkpoint/index.js";
import { GraphRuntime } from "../../formats/savedmodel/graph/graph-runtime.js";
import { VariableHandle } from "../../formats/savedmodel/graph/values.js";
import type { LoadedSavedModel } from "../../formats/savedmodel/load-saved-model.js";
import type { FunctionDef } from "../../formats/protobuf/messages.js";
import { dataTypeName } from "../../formats/savedmodel/graph-dtypes.js";
import { shapeFromProto, tensorFromProto } from "../../formats/savedmodel/tensor-proto.js";
import { checkpointKeysByObject, objectPaths } from "../../formats/savedmodel/variable-binding.js";
import { storedTensorToTfjs } from "../../formats/stored-tensor.js";
import { TensorSpec } from "./tensor-spec.js";
import { runTraced } from "./tf-function.js";
import { resourceDataType } from "../../formats/savedmodel/graph-dtypes.js";

/**
 * A saved function after loading: call it with tensors; it runs the matching concrete function. A
 * list argument is flattened, as TensorFlow flattens a structured argument (Keras 3's `serve([a, b])`).
 */
export interface LoadedFunction {
  (...inputs: Array<tfc.Tensor | tfc.Tensor[]>): tfc.Tensor | tfc.Tensor[] | undefined;
  /** Input signature of each concrete function, in saved order. */
  readonly concreteSignatures: readonly TensorSpec[][];
}

export interface RevivedObjectGraph {
  root: Record<string, unknown>;
  /** Variables by object id, with their object path. */
  variables: Map<number, { path: string; name: string; value: tfc.Variable }>;
}

export function reviveObjectGraph(savedModel: LoadedSavedModel): RevivedObjectGraph {
  const metaGraph = savedModel.metaGraph;
  const objectGraph = metaGraph.object_graph_def ?? { nodes: [], concrete_functions: {} };
  const paths = objectPaths(objectGraph);
  const variables = new Map<number, { path: string; name: string; value: tfc.Variable }>();
  const variableIds = objectGraph.nodes.flatMap((node, id) => (node.variable !== undefined ? [id] : []));
  if (variableIds.length > 0) {
    const reader = loadCheckpoint(savedModel.directory);
    const keys = checkpointKeysByObject(objectGraph, undefined);
    for (const id of variableIds) {
      const key = keys.get(id);
      if (key === undefined || !reader.hasTensor(key)) continue;
      const value = tfc.tidy(() => storedTensorToTfjs(reader.getTensor(key), key));
      const variable = objectGraph.nodes[id]!.variable!;
      variables.set(id, { path: paths.get(id) ?? "", name: variable.name ?? "", value: tfc.variable(value, variable.trainable ?? false) });
      value.dispose();
    }
  }
  const graph = metaGraph.graph_def;
  const runtime =
    graph === undefined
      ? undefined
      : new GraphRuntime(graph, {
          opDefinitions: metaGraph.meta_info_def?.stripped_op_list?.op ?? [],
          bindVariable: (node) => {
            throw new Error(`Saved functions receive variables as arguments; the top-level VarHandleOp "${node.name}" is not used by them.`);
          },
        });

  // Tensors a function captured (Keras's Normalization mean, computed from its variables) are saved
  // as `constant` objects naming a Const node of the top-level graph; read each once, on first use.
  const constants = new Map<number, tfc.Tensor>();
  const capturedConstant = (id: number): tfc.Tensor | undefined => {
    const operation = objectGraph.nodes[id]?.constant?.operation;
    if (operation === undefined) return undefined;
    if (!constants.has(id)) {
      const proto = graph?.node.find((candidate) => candidate.name === operation)?.attr["value"]?.tensor;
      if (proto === undefined) throw new Error(`The saved constant ${id} names graph node "${operation}", which the SavedModel's graph lacks.`);
      constants.set(id, tfc.keep(tensorFromProto(proto)));
    }
    return constants.get(id);
  };
  const built = new Map<number, unknown>();
  const build = (id: number): unknown => {
    if (built.has(id)) return built.get(id);
    const node = objectGraph.nodes[id]!;
    if (node.variable !== undefined) {
      const value = variables.get(id)?.value;
      built.set(id, value);
      return value;
    }
    if (node.function !== undefined) {
      const fn = loadedFunction(node.function.concrete_functions, runtime, objectGraph.concrete_functions, variables, capturedConstant);
      built.set(id, fn);
      return fn;
    }
    if (node.bare_concrete_function !== undefined || node.user_object?.identifier === "signature_map") {
      built.set(id, undefined);
      return undefined;
    }
    const object: Record<string, unknown> | unknown[] = node.user_object?.identifier === "trackable_list_wrapper" ? [] : {};
    built.set(id, object);
    for (const child of node.children) {
      const value = build(child.node_id ?? 0);
      if (value !== undefined) (object as Record<string, unknown>)[child.local_name ?? ""] = value;
    }
    return object;
  };
  return { root: (objectGraph.nodes.length > 0 ? build(0) : {}) as Record<string, unknown>, variables };
}

function loadedFunction(
  names: string[],
  runtime: GraphRuntime | undefined,
  concreteFunctions: Record<string, { bound_inputs: number[] }>,
  variables: RevivedObjectGraph["variables"],
  capturedConstant: (id: number) => tfc.Tensor | undefined,
): LoadedFunction {
  // Resolved on first call, so a function this runtime cannot bind does not prevent loading the rest.
  const resolveConcretes = () =>
    names.map((name) => {
      const definition = runtime?.functionDefinition(name);
      if (definition === undefined) throw new Error(`The saved function's concrete function "${name}" is missing from the SavedModel's function library.`);
      const handles = (concreteFunctions[name]?.bound_inputs ?? []).map((id) => {
        const variable = variables.get(id);
        if (variable === undefined) {
          const constant = capturedConstant(id);
          if (constant !== undefined) return constant;
          throw new Error(`Concrete function "${name}" captures object ${id}, which is neither a variable restored from the checkpoint nor a saved constant.`);
        }
        // The handle reads the live Variable, so later assignments are seen.
        return new VariableHandle(
          variable.name,
          () => variable.value,
          (value) => variable.value.assign(value.dtype === variable.value.dtype ? value : tfc.cast(value, variable.value.dtype)),
        );
      });
      return { definition, inputSpecs: inputSpecsOf(definition), handles };
    });
  let resolved: ReturnType<typeof resolveConcretes> | undefined;
  const call = (...args: Array<tfc.Tensor | tfc.Tensor[]>): tfc.Tensor | tfc.Tensor[] | undefined => {
    const inputs = args.flat();
    const concretes = (resolved ??= resolveConcretes());
    const match = concretes.find(
      (concrete) => concrete.inputSpecs.length === inputs.length && concrete.inputSpecs.every((spec, index) => spec.isCompatibleWith(inputs[index]!)),
    );
    if (match === undefined) {
      throw new Error(
        `No saved concrete function takes (${inputs.map((input) => `${input.dtype}[${input.shape.join(", ")}]`).join(", ")}). ` +
          `Saved signatures: ${concretes.map((concrete) => `(${concrete.inputSpecs.map(String).join(", ")})`).join("; ")}. ` +
          `Only traced signatures are saved; trace the function for this shape before saving.`,
      );
    }
    const outputs = runTraced(runtime!, match, inputs, match.handles);
    return outputs.length === 0 ? undefined : outputs.length === 1 ? outputs[0]! : outputs;
  };
  return Object.assign(call, {
    get concreteSignatures(): TensorSpec[][] {
      return (resolved ??= resolveConcretes()).map((concrete) => concrete.inputSpecs);
    },
  });
}

/** Input specs from the function's argument types and its `_input_shapes` attribute (resources left out). */
function inputSpecsOf(definition: FunctionDef): TensorSpec[] {
  const shapes = definition.attr["_input_shapes"]?.list?.shape ?? [];
  return definition.signature.input_arg.flatMap((argument, index) => {
    if (argument.type === resourceDataType) return [];
    const shape = shapes[index] === undefined ? null : shapeFromProto(shapes[index]);
    const dtype = dataTypeName(argument.type) as tfc.DataType;
    return [
      new TensorSpec(
        shape === null ? null : shape.map((size) => (size < 0 ? null : size)),
        dtype === ("float64" as tfc.DataType) ? "float32" : dtype,
        argument.name,
      ),
    ];
  });
}
