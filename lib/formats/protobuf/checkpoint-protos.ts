/**
 * TensorFlow protocol buffer messages used by tensor bundles (checkpoints and SavedModel
 * `variables/`), written as proto3 text and parsed once at load time so the build needs no codegen.
 * Field numbers follow `tensor_bundle.proto`, `tensor_shape.proto`, `versions.proto`,
 * `tensor_slice.proto` and `trackable_object_graph.proto`.
 *
 * @example
 * const header = bundleHeaderMessage.decode(bytes);
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
  message Dim { int64 size = 1; string name = 2; }
  repeated Dim dim = 2;
  bool unknown_rank = 3;
}
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
message BoolValue { bool value = 1; }
message TrackableObjectGraph {
  message TrackableObject {
    message ObjectReference { int32 node_id = 1; string local_name = 2; }
    message SerializedTensor { string name = 1; string full_name = 2; string checkpoint_key = 3; bool optional_restore = 4; }
    message SlotVariableReference { int32 original_variable_node_id = 1; string slot_name = 2; int32 slot_variable_node_id = 3; }
    message RegisteredSaver { string name = 1; string object_name = 2; }
    repeated ObjectReference children = 1;
    repeated SerializedTensor attributes = 2;
    repeated SlotVariableReference slot_variables = 3;
    RegisteredSaver registered_saver = 4;
    BoolValue has_checkpoint_values = 5;
  }
  repeated TrackableObject nodes = 1;
}
message CheckpointState {
  string model_checkpoint_path = 1;
  repeated string all_model_checkpoint_paths = 2;
  repeated double all_model_checkpoint_timestamps = 3;
  double last_preserved_timestamp = 4;
}
`;

const root = protobuf.parse(protoText, { keepCase: true }).root;

export const bundleHeaderMessage = root.lookupType("tensorflow.BundleHeaderProto");
export const bundleEntryMessage = root.lookupType("tensorflow.BundleEntryProto");
export const trackableObjectGraphMessage = root.lookupType("tensorflow.TrackableObjectGraph");

/** Plain-object conversion options: 64-bit integers as numbers, enums as numbers, defaults filled. */
export const plainObjectOptions: protobuf.IConversionOptions = { longs: Number, enums: Number, defaults: true, arrays: true };

export interface VersionDef {
  producer: number;
  min_consumer: number;
  bad_consumers: number[];
}
export interface TensorShapeProto {
  dim: { size: number; name: string }[];
  unknown_rank: boolean;
}
export interface BundleHeaderProto {
  num_shards: number;
  endianness: number;
  version?: VersionDef | null;
}
export interface BundleEntryProto {
  dtype: number;
  shape?: TensorShapeProto | null;
  shard_id: number;
  offset: number;
  size: number;
  crc32c: number;
  slices: unknown[];
}
export interface ObjectReference {
  node_id: number;
  local_name: string;
}
export interface SerializedTensor {
  name: string;
  full_name: string;
  checkpoint_key: string;
  optional_restore?: boolean;
}
export interface SlotVariableReference {
  original_variable_node_id: number;
  slot_name: string;
  slot_variable_node_id: number;
}
export interface TrackableObject {
  children: ObjectReference[];
  attributes: SerializedTensor[];
  slot_variables: SlotVariableReference[];
  registered_saver?: { name: string; object_name: string } | null;
  has_checkpoint_values?: { value: boolean } | null;
}
export interface TrackableObjectGraph {
  nodes: TrackableObject[];
}
