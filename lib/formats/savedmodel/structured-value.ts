/**
 * TensorFlow's `StructuredValue` (tensorflow/core/protobuf/struct.proto): how a SavedModel describes
 * the Python structure of a concrete function's arguments and results. TensorFlow's loader decodes
 * `SavedConcreteFunction.canonicalized_input_signature` and `output_signature` for every function in
 * the library and refuses an empty one ("No encoder for object of type StructuredValue"), so every
 * writer fills them. Pure data → bytes; no Keras, no tensors.
 *
 * @example
 * ```ts
 * const specs = [{ name: "x", shape: [-1, 3], dtype: 1 }];
 * signatureWrapperStructures(specs, [{ name: "out", shape: [-1, 2], dtype: 1 }]);
 * // → { canonicalized_input_signature: ((), {x: TensorSpec}), output_signature: {out: TensorSpec} } as bytes
 * ```
 */
import { functionSpecMessage, structuredValueMessage } from "../protobuf/tensorflow.js";

/** One tensor argument or result: its name, shape (-1 for an unknown size) and DataType enum number. */
export interface TensorSpecValue {
  name: string;
  shape: ReadonlyArray<number | null>;
  dtype: number;
}

/** A Python value, as the plain data StructuredValue can hold. */
export type Structure =
  | { none: true }
  | { tensorSpec: TensorSpecValue }
  | { tuple: Structure[] }
  | { list: Structure[] }
  | { dict: Record<string, Structure> }
  | { string: string }
  | { namedTuple: { name: string; fields: Array<[string, Structure]> } };

type Message = Record<string, unknown>;

function toMessage(value: Structure): Message {
  if ("none" in value) return { none_value: {} };
  if ("string" in value) return { string_value: value.string };
  if ("tensorSpec" in value) {
    const spec = value.tensorSpec;
    return { tensor_spec_value: { name: spec.name, shape: { dim: spec.shape.map((size) => ({ size: size ?? -1 })) }, dtype: spec.dtype } };
  }
  if ("tuple" in value) return { tuple_value: { values: value.tuple.map(toMessage) } };
  if ("list" in value) return { list_value: { values: value.list.map(toMessage) } };
  if ("namedTuple" in value)
    return { named_tuple_value: { name: value.namedTuple.name, values: value.namedTuple.fields.map(([key, field]) => ({ key, value: toMessage(field) })) } };
  return { dict_value: { fields: Object.fromEntries(Object.entries(value.dict).map(([key, field]) => [key, toMessage(field)])) } };
}

/** Encodes one structure as StructuredValue bytes. */
export function encodeStructure(value: Structure): Uint8Array {
  return structuredValueMessage.encode(structuredValueMessage.fromObject(toMessage(value))).finish();
}

/** The output structure: a dict of named tensors, as Keras and signatures return. */
function outputDict(outputs: ReadonlyArray<TensorSpecValue>): Structure {
  return { dict: Object.fromEntries(outputs.map((output) => [output.name, { tensorSpec: output }])) };
}

/**
 * A signature wrapper (what `serving_default` is): called with keyword arguments only, so its
 * canonical input is `((), {name: TensorSpec, ...})`, and it returns a dict of named tensors.
 */
export function signatureWrapperStructures(
  inputs: ReadonlyArray<TensorSpecValue>,
  outputs: ReadonlyArray<TensorSpecValue>,
): { canonicalized_input_signature: Uint8Array; output_signature: Uint8Array } {
  const keywordInputs: Structure = { dict: Object.fromEntries(inputs.map((input) => [input.name, { tensorSpec: input }])) };
  return { canonicalized_input_signature: encodeStructure({ tuple: [{ tuple: [] }, keywordInputs] }), output_signature: encodeStructure(outputDict(outputs)) };
}

/**
 * One positional argument: a tensor, or a list of tensors (Keras 3's `serve` takes a multi-input
 * model's inputs as one list).
 */
export type PositionalArgument = TensorSpecValue | ReadonlyArray<TensorSpecValue>;

function argumentStructure(argument: PositionalArgument): Structure {
  return Array.isArray(argument)
    ? { list: (argument as ReadonlyArray<TensorSpecValue>).map((spec) => ({ tensorSpec: spec })) }
    : { tensorSpec: argument as TensorSpecValue };
}

/**
 * A traced function called positionally: input `((argument, ...), {})`; its result a dict of named
 * tensors when `outputs` are named by keys, else one tensor, a tuple or a list of tensors.
 */
export function positionalFunctionStructures(
  inputs: ReadonlyArray<PositionalArgument>,
  outputs: ReadonlyArray<TensorSpecValue>,
  outputKind: "dict" | "single" | "tuple" | "list" | "none",
): { canonicalized_input_signature: Uint8Array; output_signature: Uint8Array } {
  const specs = outputs.map((spec) => ({ tensorSpec: spec }));
  const output: Structure =
    outputKind === "dict"
      ? outputDict(outputs)
      : outputKind === "single"
        ? specs[0]!
        : outputKind === "none"
          ? { none: true }
          : outputKind === "list"
            ? { list: specs }
            : { tuple: specs };
  return {
    canonicalized_input_signature: encodeStructure({ tuple: [{ tuple: inputs.map(argumentStructure) }, { dict: {} }] }),
    output_signature: encodeStructure(output),
  };
}

/**
 * `FunctionSpec` bytes (saved_object_graph.proto) for a `SavedFunction` or a bare concrete function:
 * Python's `FullArgSpec` of the function (positional `args`, or keyword-only `kwonlyargs` for a
 * signature wrapper) and its input signature (a tuple of arguments, each a spec or a list of specs, or None).
 */
export function encodeFunctionSpec(options: { args?: string[]; keywordOnlyArgs?: string[]; inputSignature?: ReadonlyArray<PositionalArgument> }): Uint8Array {
  const none: Structure = { none: true };
  const strings = (names: string[] | undefined): Structure => ({ list: (names ?? []).map((name) => ({ string: name })) });
  const fullArgSpec: Structure = {
    namedTuple: {
      name: "FullArgSpec",
      fields: [
        ["args", strings(options.args)],
        ["varargs", none],
        ["varkw", none],
        ["defaults", none],
        ["kwonlyargs", strings(options.keywordOnlyArgs)],
        ["kwonlydefaults", none],
        ["annotations", { dict: {} }],
      ],
    },
  };
  const inputSignature: Structure = options.inputSignature === undefined ? none : { tuple: options.inputSignature.map(argumentStructure) };
  return functionSpecMessage
    .encode(functionSpecMessage.fromObject({ fullargspec: toMessage(fullArgSpec), is_method: false, input_signature: toMessage(inputSignature) }))
    .finish();
}
