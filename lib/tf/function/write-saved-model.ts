/**
 * The one SavedModel writer: given an object graph (whose variables are already in the directory's
 * `variables/` bundle), the signatures and the other concrete functions, it writes `saved_model.pb`
 * (MetaGraph with tag `serve`: VarHandleOps, a Placeholder per signature input and a
 * StatefulPartitionedCall per signature, the function library, `signature_def`, the
 * SavedObjectGraph with `root.signatures`) and `fingerprint.pb`. Used for a tf.Module
 * (`tf.savedModel.save`) and for a Keras model, which adds its own objects and `keras_metadata.pb`.
 *
 * @example
 * ```ts
 * writeSavedModelFiles(directory, { objects, variables, signatures: [{ key: "serving_default", definition, inputs, outputs, boundInputs: [1, 2] }], functions: [] });
 * ```
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FunctionDef, NodeDef, SavedObject } from "../../formats/protobuf/messages.js";
import { fingerprintMessage, savedModelMessage } from "../../formats/protobuf/tensorflow.js";
import {
  encodeFunctionSpec,
  positionalFunctionStructures,
  signatureWrapperStructures,
  type PositionalArgument,
  type TensorSpecValue,
} from "../../formats/savedmodel/structured-value.js";
import { resourceDataType } from "../../formats/savedmodel/graph-dtypes.js";
import { outputArgumentsOf } from "./kernel-ops.js";

/** A variable of the object graph, with the name of its VarHandleOp in the top-level graph. */
export interface SavedModelVariable {
  objectId: number;
  name: string;
  dtype: number;
  shape: ReadonlyArray<number | null>;
}

/** A serving signature: its function (called with keywords), named inputs and outputs, and the variables it reads. */
export interface SavedModelSignature {
  key: string;
  definition: FunctionDef;
  inputs: ReadonlyArray<TensorSpecValue>;
  outputs: ReadonlyArray<TensorSpecValue>;
  /** Object ids of the variables passed after the inputs. */
  boundInputs: number[];
  /** `allowed_positional_arguments` of the signature's bare concrete function (tf-keras writes 1). */
  allowedPositionalArguments?: number;
}

/** Any other concrete function (a tf.function's trace), with the Python structures of its arguments and results. */
export interface SavedModelFunction {
  definition: FunctionDef;
  boundInputs: number[];
  structures: { canonicalized_input_signature: Uint8Array; output_signature: Uint8Array };
}

/**
 * A function restored as an attribute of the root object, as Keras 3's `model.export()` writes
 * `serve`: called with one argument, a tensor or (for several inputs) a list of tensors in the
 * model's input order. It is written as a small function that calls `target` (a signature's
 * function, whose tensor arguments follow the signature's keyword order) with the inputs reordered.
 */
export interface SavedModelEndpoint {
  /** Attribute name on the root (`serve`). */
  name: string;
  /** The inputs in call order, each with the position of the `target` argument it feeds. */
  inputs: ReadonlyArray<TensorSpecValue & { argument: number }>;
  /** One tensor, or a list of tensors (also for one input when the model takes a list). */
  inputStructure: "tensor" | "list";
  outputs: ReadonlyArray<TensorSpecValue>;
  outputStructure: "tensor" | "list";
  target: FunctionDef;
  /** Object ids of the variables `target` reads, passed after the inputs. */
  boundInputs: number[];
}

export interface SavedModelParts {
  /** The SavedObjectGraph nodes (id = index; 0 is the root); `signatures` objects are added here. */
  objects: SavedObject[];
  variables: SavedModelVariable[];
  signatures: SavedModelSignature[];
  functions: SavedModelFunction[];
  /** Functions restored as root attributes (Keras 3's `serve`); none by default. */
  endpoints?: SavedModelEndpoint[];
}

const version = { producer: 1, min_consumer: 1, bad_consumers: [] };
const emptyList = { s: [], i: [], f: [], b: [], shape: [], tensor: [], func: [], type: [] };

export function shapeProto(shape: ReadonlyArray<number | null> | null): { dim: Array<{ size: number }>; unknown_rank?: boolean } {
  return shape === null ? { dim: [], unknown_rank: true } : { dim: shape.map((size) => ({ size: size ?? -1 })) };
}

/** Writes `saved_model.pb` and `fingerprint.pb` into `directory` (whose `variables/` is written); returns the saved_model.pb bytes. */
export function writeSavedModelFiles(directory: string, parts: SavedModelParts): Uint8Array {
  const objects = parts.objects;
  const graphNodes: NodeDef[] = [];
  const usedNames = new Set<string>();
  const unique = (name: string): string => {
    let candidate = name;
    for (let index = 1; usedNames.has(candidate); index++) candidate = `${name}_${index}`;
    usedNames.add(candidate);
    return candidate;
  };
  const handleNames = new Map<number, string>();
  for (const variable of parts.variables) {
    const name = unique(variable.name.replace(/[^A-Za-z0-9_./-]/g, "_"));
    handleNames.set(variable.objectId, name);
    graphNodes.push({
      name,
      op: "VarHandleOp",
      input: [],
      attr: {
        dtype: { type: variable.dtype },
        shape: { shape: shapeProto(variable.shape) },
        shared_name: { s: new TextEncoder().encode(name) },
        container: { s: new Uint8Array() },
      },
    });
  }
  const handleOf = (objectId: number, functionName: string): string => {
    const name = handleNames.get(objectId);
    if (name === undefined)
      throw new Error(`SavedModel: function ${functionName} reads object ${objectId}, which is not a variable of the saved object graph.`);
    return name;
  };

  const signatureDefs: Record<string, unknown> = {};
  parts.signatures.forEach((signature, index) => {
    const definition = signature.definition;
    const placeholders = signature.inputs.map((input) => {
      const name = unique(`${signature.key}_${input.name}`);
      graphNodes.push({ name, op: "Placeholder", input: [], attr: { dtype: { type: input.dtype }, shape: { shape: shapeProto(input.shape) } } });
      return name;
    });
    const callName = unique(index === 0 ? "StatefulPartitionedCall" : `StatefulPartitionedCall_${index}`);
    graphNodes.push({
      name: callName,
      op: "StatefulPartitionedCall",
      input: [...placeholders, ...signature.boundInputs.map((id) => handleOf(id, definition.signature.name))],
      attr: {
        f: { func: { name: definition.signature.name, attr: {} } },
        Tin: { list: { ...emptyList, type: definition.signature.input_arg.map((argument) => argument.type!) } },
        Tout: { list: { ...emptyList, type: definition.signature.output_arg.map((argument) => argument.type!) } },
      },
    });
    signatureDefs[signature.key] = {
      inputs: Object.fromEntries(
        signature.inputs.map((input, position) => [
          input.name,
          { name: `${placeholders[position]}:0`, dtype: input.dtype, tensor_shape: shapeProto(input.shape) },
        ]),
      ),
      outputs: Object.fromEntries(
        signature.outputs.map((output, position) => [
          output.name,
          { name: `${callName}:${position}`, dtype: output.dtype, tensor_shape: shapeProto(output.shape) },
        ]),
      ),
      method_name: "tensorflow/serving/predict",
    };
  });
  graphNodes.push({ name: "NoOp", op: "NoOp", input: [], attr: {} });
  signatureDefs["__saved_model_init_op"] = { inputs: {}, outputs: { __saved_model_init_op: { name: "NoOp" } }, method_name: "" };

  // root.<endpoint> → a restored function with one concrete function, also listed as its child trace_0 (as Keras 3 writes `serve`).
  const endpointFunctions = (parts.endpoints ?? []).map((endpoint) => {
    const definition = endpointDefinition(endpoint);
    const argument: PositionalArgument = endpoint.inputStructure === "list" ? endpoint.inputs : endpoint.inputs[0]!;
    const functionId = objects.length;
    objects[0]!.children.push({ node_id: functionId, local_name: endpoint.name });
    objects.push({
      children: [{ node_id: functionId + 1, local_name: "trace_0" }],
      slot_variables: [],
      function: {
        concrete_functions: [definition.signature.name],
        function_spec: encodeFunctionSpec({ args: ["args_0"], inputSignature: [argument] }),
      },
    });
    objects.push({
      children: [],
      slot_variables: [],
      bare_concrete_function: {
        concrete_function_name: definition.signature.name,
        argument_keywords: endpoint.inputs.map((input) => input.name),
        allowed_positional_arguments: endpoint.inputs.length,
        function_spec: encodeFunctionSpec({ args: ["args_0"] }),
      },
    });
    // Keras names a single result "unknown" and a list's tensor_0, tensor_1, ...
    const outputs =
      endpoint.outputStructure === "list"
        ? endpoint.outputs.map((output, index) => ({ ...output, name: `tensor_${index}` }))
        : [{ ...endpoint.outputs[0]!, name: "unknown" }];
    return {
      definition,
      boundInputs: endpoint.boundInputs,
      structures: positionalFunctionStructures([argument], outputs, endpoint.outputStructure === "list" ? "list" : "single"),
    };
  });

  // root.signatures → signature_map → one bare concrete function per key (as TensorFlow lists them).
  if (parts.signatures.length > 0) {
    const mapId = objects.length;
    objects[0]!.children.push({ node_id: mapId, local_name: "signatures" });
    objects.push({
      children: parts.signatures.map((signature, index) => ({ node_id: mapId + 1 + index, local_name: signature.key })),
      slot_variables: [],
      user_object: { identifier: "signature_map", version },
    });
    for (const signature of parts.signatures) {
      const keywords = signature.inputs.map((input) => input.name);
      objects.push({
        children: [],
        slot_variables: [],
        bare_concrete_function: {
          concrete_function_name: signature.definition.signature.name,
          argument_keywords: keywords,
          allowed_positional_arguments: signature.allowedPositionalArguments ?? 0,
          function_spec: encodeFunctionSpec({ keywordOnlyArgs: keywords }),
        },
      });
    }
  }

  const library = new Map<string, FunctionDef>();
  const concreteFunctions: Record<string, unknown> = {};
  for (const endpoint of parts.endpoints ?? []) library.set(endpoint.target.signature.name, endpoint.target);
  for (const fn of [...parts.functions, ...endpointFunctions]) {
    library.set(fn.definition.signature.name, fn.definition);
    concreteFunctions[fn.definition.signature.name] = { bound_inputs: fn.boundInputs, ...fn.structures };
  }
  for (const signature of parts.signatures) {
    library.set(signature.definition.signature.name, signature.definition);
    concreteFunctions[signature.definition.signature.name] = {
      bound_inputs: signature.boundInputs,
      ...signatureWrapperStructures(signature.inputs, signature.outputs),
    };
  }
  const ops = new Set<string>(graphNodes.map((node) => node.op));
  for (const definition of library.values()) for (const node of definition.node_def) ops.add(node.op);
  const opOutputs = (name: string): Array<{ name: string }> => outputArgumentsOf(name).map((argument) => ({ name: argument }));
  const savedModel = {
    saved_model_schema_version: 1,
    meta_graphs: [
      {
        meta_info_def: {
          meta_graph_version: "",
          tags: ["serve"],
          tensorflow_version: "tskeras",
          tensorflow_git_version: "",
          stripped_default_attrs: true,
          stripped_op_list: { op: [...ops].map((name) => ({ name, input_arg: [], output_arg: opOutputs(name), attr: [] })) },
        },
        graph_def: { node: graphNodes, versions: { producer: 1286, min_consumer: 12, bad_consumers: [] }, library: { function: [...library.values()] } },
        signature_def: signatureDefs,
        asset_file_def: [],
        object_graph_def: { nodes: objects, concrete_functions: concreteFunctions },
      },
    ],
  };
  const bytes = savedModelMessage.encode(savedModelMessage.fromObject(savedModel)).finish();
  writeFileSync(join(directory, "saved_model.pb"), bytes);
  // fingerprint.pb: 64-bit hashes of the parts (TensorFlow uses FarmHash; these are SHA-256 prefixes).
  const hash64 = (data: Uint8Array): string => createHash("sha256").update(data).digest().readBigUInt64LE(0).toString();
  const index = readFileSync(join(directory, "variables", "variables.index"));
  const signatureKeys = new TextEncoder().encode(parts.signatures.map((signature) => signature.definition.signature.name).join());
  writeFileSync(
    join(directory, "fingerprint.pb"),
    fingerprintMessage
      .encode(
        fingerprintMessage.fromObject({
          saved_model_checksum: hash64(bytes),
          graph_def_program_hash: hash64(bytes),
          signature_def_hash: hash64(signatureKeys),
          saved_object_graph_hash: hash64(bytes),
          checkpoint_hash: hash64(index),
          version: { producer: 1 },
        }),
      )
      .finish(),
  );
  return bytes;
}

/**
 * An endpoint's function: its inputs in call order (then the target's variables), one
 * StatefulPartitionedCall of the target with the inputs in the target's order, and an Identity per result.
 */
function endpointDefinition(endpoint: SavedModelEndpoint): FunctionDef {
  const target = endpoint.target.signature;
  const resources = target.input_arg.filter(isResourceArgument);
  const tensorArguments = target.input_arg.length - resources.length;
  const names = uniqueArgumentNames(endpoint.inputs.map((input) => input.name));
  const feeding = [...Array(tensorArguments).keys()].map((position) => {
    const index = endpoint.inputs.findIndex((input) => input.argument === position);
    if (index < 0) throw new Error(`SavedModel: the ${endpoint.name} endpoint feeds no input to argument ${position} of ${target.name}.`);
    return names[index]!;
  });
  const outputTypes = target.output_arg.map((argument) => argument.type!);
  const nodes: NodeDef[] = [
    {
      name: "StatefulPartitionedCall",
      op: "StatefulPartitionedCall",
      input: [...feeding, ...resources.map((argument) => argument.name)],
      attr: {
        f: { func: { name: target.name, attr: {} } },
        Tin: { list: { ...emptyList, type: target.input_arg.map((argument) => argument.type!) } },
        Tout: { list: { ...emptyList, type: outputTypes } },
      },
    },
    ...outputTypes.map((type, index) => ({
      name: index === 0 ? "Identity" : `Identity_${index}`,
      op: "Identity",
      input: [`StatefulPartitionedCall:output:${index}`],
      attr: { T: { type } },
    })),
  ];
  const outputNames = outputTypes.map((_, index) => (index === 0 ? "identity" : `identity_${index}`));
  const suffix = /_(\d+)$/.exec(target.name)?.[1] ?? "0";
  return {
    signature: {
      name: `__inference_${endpoint.name}_${suffix}`,
      input_arg: [...endpoint.inputs.map((input, index) => ({ name: names[index]!, type: input.dtype })), ...resources],
      output_arg: outputNames.map((name, index) => ({ name, type: outputTypes[index]! })),
      attr: [],
      is_stateful: resources.length > 0,
    },
    // The shape of every argument (resources are scalars), which loaders read as the input signature.
    attr: {
      _input_shapes: {
        list: { ...emptyList, shape: [...endpoint.inputs.map((input) => shapeProto(input.shape)), ...resources.map(() => shapeProto([]))] },
      } as unknown as FunctionDef["attr"][string],
    },
    node_def: nodes,
    ret: Object.fromEntries(outputNames.map((name, index) => [name, `${nodes[index + 1]!.name}:output:0`])),
    control_ret: {},
  };
}

/** Function argument names: lower case, [a-z0-9_] only, unique (as TensorFlow names a function's arguments). */
function uniqueArgumentNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const base = name.toLowerCase().replace(/[^a-z0-9_]/g, "_");
    let unique = base;
    for (let index = 1; used.has(unique); index++) unique = `${base}_${index}`;
    used.add(unique);
    return unique;
  });
}

/** Whether a function argument is a variable (resource) rather than an input. */
export function isResourceArgument(argument: { type?: number | null }): boolean {
  return argument.type === resourceDataType;
}
