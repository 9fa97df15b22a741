/**
 * The subset of TensorFlow's protocol buffer messages that a SavedModel reader needs,
 * written as proto3 text and parsed once with protobufjs (no code generation step).
 *
 * Field numbers follow TensorFlow's `tensorflow/core/framework/*.proto` and
 * `tensorflow/core/protobuf/*.proto`, and tf-keras's `saved_metadata.proto`. Fields this
 * reader never looks at are left out: protobuf skips unknown fields on decode. A few
 * nested messages we never inspect (StructuredValue, CollectionDef, ...) are declared as
 * `bytes`, which is wire-compatible with any length-delimited message.
 *
 * @example
 * ```ts
 * import { savedModelMessage } from "./schema.js";
 * const decoded = savedModelMessage.decode(bytes);
 * ```
 */
import protobuf from "protobufjs";

const protoText = `
syntax = "proto3";
package tensorflow;

message VersionDef {
  int32 producer = 1;
  int32 min_consumer = 2;
  repeated int32 bad_consumers = 3;
}

message TensorShapeProto {
  message Dim {
    int64 size = 1;
    string name = 2;
  }
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

message ObjectReference {
  int32 node_id = 1;
  string local_name = 2;
}

message SlotVariableReference {
  int32 original_variable_node_id = 1;
  string slot_name = 2;
  int32 slot_variable_node_id = 3;
}

message SavedUserObject {
  string identifier = 1;
  VersionDef version = 2;
  string metadata = 3;
}

message SavedAsset {
  int32 asset_file_def_index = 1;
}

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

message SavedConstant {
  string operation = 1;
}

message SavedResource {
  string device = 1;
}

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

message TrackableObjectGraph {
  message TrackableObject {
    message SerializedTensor {
      string name = 1;
      string full_name = 2;
      string checkpoint_key = 3;
    }
    repeated ObjectReference children = 1;
    repeated SerializedTensor attributes = 2;
    repeated SlotVariableReference slot_variables = 3;
  }
  repeated TrackableObject nodes = 1;
}

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

export const savedModelMessage = lookup("SavedModel");
export const fingerprintMessage = lookup("FingerprintDef");
export const trackableObjectGraphMessage = lookup("TrackableObjectGraph");
export const kerasSavedMetadataMessage = lookup("KerasSavedMetadata");
export const graphDefMessage = lookup("GraphDef");
export const tensorProtoMessage = lookup("TensorProto");

/**
 * Decodes bytes with a message type into a plain object: snake_case keys, int64 as
 * JavaScript numbers (TensorFlow sizes fit), bytes as Uint8Array, empty repeated
 * fields as [] and empty maps as {}. Pass `String` as `longs` for 64-bit hashes that
 * must keep every digit.
 */
export function decodeMessage<T>(type: protobuf.Type, bytes: Uint8Array, longs: typeof Number | typeof String = Number): T {
  const message = type.decode(bytes);
  return type.toObject(message, { longs, arrays: true, objects: true, oneofs: false }) as T;
}
