/**
 * The one protobuf schema root for every TensorFlow message tskeras reads or writes: tensor bundles
 * (checkpoints and SavedModel `variables/`), the checkpoint object graph, SavedModel, its function
 * structures, fingerprint and tf-keras metadata. Written as proto3 text and parsed once at load time
 * with protobufjs, so the build needs no code generation step.
 *
 * Field numbers follow TensorFlow 2.21's `tensorflow/core/framework/*.proto`,
 * `tensorflow/core/protobuf/*.proto` (tensor_bundle, trackable_object_graph, saved_object_graph,
 * meta_graph, struct, fingerprint) and tf-keras's `saved_metadata.proto`. Fields nobody reads are
 * left out (protobuf skips unknown fields on decode); a few nested messages we never inspect are
 * declared as `bytes`, which is wire-compatible with any length-delimited message.
 * The plain-object shapes of the decoded messages are in `messages.ts`.
 *
 * @example
 * ```ts
 * import { decodeMessage, savedModelMessage } from "./tensorflow.js";
 * import type { SavedModel } from "./messages.js";
 * const savedModel = decodeMessage<SavedModel>(savedModelMessage, bytes);
 * ```
 */
import protobuf from "protobufjs";

const protoText = `
syntax = "proto3";
package tensorflow;

// versions.proto, tensor_shape.proto, tensor.proto
message VersionDef {
  int32 producer = 1;
  int32 min_consumer = 2;
  repeated int32 bad_consumers = 3;
}
message TensorShapeProto {
  message Dim { int64 size = 1; string name = 2; }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}
message TensorProto {
  int32 dtype = 1;
  TensorShapeProto tensor_shape = 2;
  int32 version_number = 3;
  bytes tensor_content = 4;
  repeated int32 half_val = 13 [packed = true];
  repeated float float_val = 5 [packed = true];
  repeated double double_val = 6 [packed = true];
  repeated int32 int_val = 7 [packed = true];
  repeated bytes string_val = 8;
  repeated float scomplex_val = 9 [packed = true];
  repeated int64 int64_val = 10 [packed = true];
  repeated bool bool_val = 11 [packed = true];
  repeated double dcomplex_val = 12 [packed = true];
  repeated uint32 uint32_val = 16 [packed = true];
  repeated uint64 uint64_val = 17 [packed = true];
}

// tensor_slice.proto, tensor_bundle.proto
message TensorSliceProto {
  message Extent { int64 start = 1; oneof has_length { int64 length = 2; } }
  repeated Extent extent = 1;
}
message BundleHeaderProto {
  enum Endianness { LITTLE = 0; BIG = 1; }
  int32 num_shards = 1;
  Endianness endianness = 2;
  VersionDef version = 3;
}
message BundleEntryProto {
  int32 dtype = 1;
  TensorShapeProto shape = 2;
  int32 shard_id = 3;
  int64 offset = 4;
  int64 size = 5;
  fixed32 crc32c = 6;
  repeated TensorSliceProto slices = 7;
}

// trackable_object_graph.proto (shared by checkpoints and SavedModel)
message BoolValue { bool value = 1; }
message ObjectReference { int32 node_id = 1; string local_name = 2; }
message SlotVariableReference { int32 original_variable_node_id = 1; string slot_name = 2; int32 slot_variable_node_id = 3; }
message TrackableObjectGraph {
  message TrackableObject {
    message SerializedTensor { string name = 1; string full_name = 2; string checkpoint_key = 3; bool optional_restore = 4; }
    message RegisteredSaver { string name = 1; string object_name = 2; }
    repeated ObjectReference children = 1;
    repeated SerializedTensor attributes = 2;
    repeated SlotVariableReference slot_variables = 3;
    RegisteredSaver registered_saver = 4;
    BoolValue has_checkpoint_values = 5;
  }
  repeated TrackableObject nodes = 1;
}

// attr_value.proto, node_def.proto, op_def.proto, function.proto, graph.proto
message AttrValue {
  message ListValue {
    repeated bytes s = 2;
    repeated int64 i = 3 [packed = true];
    repeated float f = 4 [packed = true];
    repeated bool b = 5 [packed = true];
    repeated int32 type = 6 [packed = true];
    repeated TensorShapeProto shape = 7;
    repeated TensorProto tensor = 8;
    repeated NameAttrList func = 9;
  }
  oneof value {
    bytes s = 2;
    int64 i = 3;
    float f = 4;
    bool b = 5;
    int32 type = 6;
    TensorShapeProto shape = 7;
    TensorProto tensor = 8;
    ListValue list = 1;
    NameAttrList func = 10;
    string placeholder = 9;
  }
}
message NameAttrList {
  string name = 1;
  map<string, AttrValue> attr = 2;
}
message NodeDef {
  string name = 1;
  string op = 2;
  repeated string input = 3;
  string device = 4;
  map<string, AttrValue> attr = 5;
}
message OpDef {
  message ArgDef {
    string name = 1;
    int32 type = 3;
    string type_attr = 4;
    string number_attr = 5;
    string type_list_attr = 6;
    bool is_ref = 16;
  }
  message AttrDef {
    string name = 1;
    string type = 2;
    AttrValue default_value = 3;
  }
  string name = 1;
  repeated ArgDef input_arg = 2;
  repeated ArgDef output_arg = 3;
  repeated AttrDef attr = 4;
  bool is_stateful = 17;
}
message OpList {
  repeated OpDef op = 1;
}
message FunctionDef {
  OpDef signature = 1;
  map<string, AttrValue> attr = 5;
  repeated NodeDef node_def = 3;
  map<string, string> ret = 4;
  map<string, string> control_ret = 6;
}
message FunctionDefLibrary {
  repeated FunctionDef function = 1;
}
message GraphDef {
  repeated NodeDef node = 1;
  VersionDef versions = 4;
  FunctionDefLibrary library = 2;
}

// meta_graph.proto
message TensorInfo {
  string name = 1;
  int32 dtype = 2;
  TensorShapeProto tensor_shape = 3;
  bytes coo_sparse = 4;
  bytes composite_tensor = 5;
}
message SignatureDef {
  map<string, TensorInfo> inputs = 1;
  map<string, TensorInfo> outputs = 2;
  string method_name = 3;
}
message SaverDef {
  string filename_tensor_name = 1;
  string save_tensor_name = 2;
  string restore_op_name = 3;
}
message MetaInfoDef {
  string meta_graph_version = 1;
  OpList stripped_op_list = 2;
  repeated string tags = 4;
  string tensorflow_version = 5;
  string tensorflow_git_version = 6;
  bool stripped_default_attrs = 7;
}
message AssetFileDef {
  TensorInfo tensor_info = 1;
  string filename = 2;
}
message MetaGraphDef {
  MetaInfoDef meta_info_def = 1;
  GraphDef graph_def = 2;
  SaverDef saver_def = 3;
  map<string, SignatureDef> signature_def = 5;
  repeated AssetFileDef asset_file_def = 6;
  SavedObjectGraph object_graph_def = 7;
}

// saved_object_graph.proto; function_spec and the signatures are StructuredValue/FunctionSpec bytes
message SavedUserObject {
  string identifier = 1;
  VersionDef version = 2;
  string metadata = 3;
}
message SavedAsset { int32 asset_file_def_index = 1; }
message SavedFunction {
  repeated string concrete_functions = 1;
  bytes function_spec = 2;
}
message SavedBareConcreteFunction {
  string concrete_function_name = 1;
  repeated string argument_keywords = 2;
  int64 allowed_positional_arguments = 3;
  bytes function_spec = 4;
}
message SavedVariable {
  int32 dtype = 1;
  TensorShapeProto shape = 2;
  bool trainable = 3;
  int32 synchronization = 4;
  int32 aggregation = 5;
  string name = 6;
  string device = 7;
}
message SavedConstant { string operation = 1; }
message SavedResource { string device = 1; }
message CapturedTensor {
  string name = 1;
  string concrete_function = 2;
}
message SavedObject {
  repeated ObjectReference children = 1;
  repeated SlotVariableReference slot_variables = 3;
  oneof kind {
    SavedUserObject user_object = 4;
    SavedAsset asset = 5;
    SavedFunction function = 6;
    SavedVariable variable = 7;
    SavedBareConcreteFunction bare_concrete_function = 8;
    SavedConstant constant = 9;
    SavedResource resource = 10;
    CapturedTensor captured_tensor = 12;
  }
}
message SavedConcreteFunction {
  repeated int32 bound_inputs = 2;
  bytes canonicalized_input_signature = 3;
  bytes output_signature = 4;
}
message SavedObjectGraph {
  repeated SavedObject nodes = 1;
  map<string, SavedConcreteFunction> concrete_functions = 2;
}

// saved_model.proto, fingerprint.proto
message SavedModel {
  int64 saved_model_schema_version = 1;
  repeated MetaGraphDef meta_graphs = 2;
}
message FingerprintDef {
  uint64 saved_model_checksum = 1;
  uint64 graph_def_program_hash = 2;
  uint64 signature_def_hash = 3;
  uint64 saved_object_graph_hash = 4;
  uint64 checkpoint_hash = 5;
  VersionDef version = 6;
}

// struct.proto: how a SavedModel describes a function's Python argument and result structure
message NoneValue {}
message ListValue { repeated StructuredValue values = 1; }
message TupleValue { repeated StructuredValue values = 1; }
message DictValue { map<string, StructuredValue> fields = 1; }
message PairValue { string key = 1; StructuredValue value = 2; }
message NamedTupleValue { string name = 1; repeated PairValue values = 2; }
message TensorSpecProto { string name = 1; TensorShapeProto shape = 2; int32 dtype = 3; }
message FunctionSpec { StructuredValue fullargspec = 1; bool is_method = 2; StructuredValue input_signature = 5; }
message StructuredValue {
  oneof kind {
    NoneValue none_value = 1;
    double float64_value = 11;
    sint64 int64_value = 12;
    string string_value = 13;
    bool bool_value = 14;
    TensorSpecProto tensor_spec_value = 33;
    ListValue list_value = 51;
    TupleValue tuple_value = 52;
    DictValue dict_value = 53;
    NamedTupleValue named_tuple_value = 54;
  }
}

// tf-keras saved_metadata.proto (keras_metadata.pb)
message KerasSavedObject {
  int32 node_id = 2;
  string node_path = 3;
  string identifier = 4;
  string metadata = 5;
  VersionDef version = 6;
}
message KerasSavedMetadata {
  repeated KerasSavedObject nodes = 1;
}
`;

const root = protobuf.parse(protoText, { keepCase: true }).root;

function lookup(name: string): protobuf.Type {
  return root.lookupType(`tensorflow.${name}`);
}

export const bundleHeaderMessage = lookup("BundleHeaderProto");
export const bundleEntryMessage = lookup("BundleEntryProto");
export const trackableObjectGraphMessage = lookup("TrackableObjectGraph");
export const savedModelMessage = lookup("SavedModel");
export const fingerprintMessage = lookup("FingerprintDef");
export const kerasSavedMetadataMessage = lookup("KerasSavedMetadata");
export const graphDefMessage = lookup("GraphDef");
export const tensorProtoMessage = lookup("TensorProto");
export const structuredValueMessage = lookup("StructuredValue");
export const functionSpecMessage = lookup("FunctionSpec");

/**
 * Plain-object conversion with every field filled (64-bit integers and enums as numbers): for the
 * small fixed-shape messages of tensor bundles and checkpoint object graphs.
 */
export const plainObjectOptions: protobuf.IConversionOptions = { longs: Number, enums: Number, defaults: true, arrays: true };

/** Decodes bytes into a plain object with every field filled ({@link plainObjectOptions}). Throws protobufjs's error on malformed bytes. */
export function decodeFilled<T>(type: protobuf.Type, bytes: Uint8Array): T {
  return type.toObject(type.decode(bytes), plainObjectOptions) as T;
}

/**
 * Decodes bytes with a message type into a plain object: snake_case keys, int64 as
 * JavaScript numbers (TensorFlow sizes fit), bytes as Uint8Array, empty repeated
 * fields as [] and empty maps as {}; unset scalars stay absent. Pass `String` as `longs`
 * for 64-bit hashes that must keep every digit.
 */
export function decodeMessage<T>(type: protobuf.Type, bytes: Uint8Array, longs: typeof Number | typeof String = Number): T {
  const message = type.decode(bytes);
  return type.toObject(message, { longs, arrays: true, objects: true, oneofs: false }) as T;
}
