/**
 * Plain-object shapes of the decoded TensorFlow messages declared in `tensorflow.ts`.
 * Keys keep the proto's snake_case spelling so they can be checked against the
 * `.proto` files by eye. Optional fields are absent when the file did not set them
 * (`decodeMessage`); the bundle and object-graph shapes are decoded with every field
 * filled (`plainObjectOptions`), so their fields are required.
 */

export interface VersionDef {
  producer?: number;
  min_consumer?: number;
  bad_consumers: number[];
}

export interface TensorShapeProto {
  dim: Array<{ size?: number; name?: string }>;
  unknown_rank?: boolean;
}

export interface TensorProto {
  dtype?: number;
  tensor_shape?: TensorShapeProto;
  tensor_content?: Uint8Array;
  half_val: number[];
  float_val: number[];
  double_val: number[];
  int_val: number[];
  string_val: Uint8Array[];
  int64_val: number[];
  bool_val: boolean[];
  uint32_val: number[];
  uint64_val: number[];
}

export interface AttrListValue {
  s: Uint8Array[];
  i: number[];
  f: number[];
  b: boolean[];
  type: number[];
  shape: TensorShapeProto[];
  tensor: TensorProto[];
  func: NameAttrList[];
}

export interface AttrValue {
  s?: Uint8Array;
  i?: number;
  f?: number;
  b?: boolean;
  type?: number;
  shape?: TensorShapeProto;
  tensor?: TensorProto;
  list?: AttrListValue;
  func?: NameAttrList;
  placeholder?: string;
}

export interface NameAttrList {
  name?: string;
  attr: Record<string, AttrValue>;
}

export interface NodeDef {
  name: string;
  op: string;
  input: string[];
  device?: string;
  attr: Record<string, AttrValue>;
}

export interface ArgDef {
  name: string;
  type?: number;
  type_attr?: string;
  number_attr?: string;
  type_list_attr?: string;
  is_ref?: boolean;
}

export interface OpDef {
  name: string;
  input_arg: ArgDef[];
  output_arg: ArgDef[];
  attr: Array<{ name: string; type: string; default_value?: AttrValue }>;
  is_stateful?: boolean;
}

export interface FunctionDef {
  signature: OpDef;
  attr: Record<string, AttrValue>;
  node_def: NodeDef[];
  ret: Record<string, string>;
  control_ret: Record<string, string>;
}

export interface GraphDef {
  node: NodeDef[];
  versions?: VersionDef;
  library?: { function: FunctionDef[] };
}

export interface TensorInfo {
  name?: string;
  dtype?: number;
  tensor_shape?: TensorShapeProto;
  coo_sparse?: Uint8Array;
  composite_tensor?: Uint8Array;
}

export interface SignatureDef {
  inputs: Record<string, TensorInfo>;
  outputs: Record<string, TensorInfo>;
  method_name?: string;
}

export interface MetaInfoDef {
  meta_graph_version?: string;
  stripped_op_list?: { op: OpDef[] };
  tags: string[];
  tensorflow_version?: string;
  tensorflow_git_version?: string;
  stripped_default_attrs?: boolean;
}

export interface ObjectReference {
  node_id?: number;
  local_name?: string;
}

export interface SlotVariableReference {
  original_variable_node_id?: number;
  slot_name?: string;
  slot_variable_node_id?: number;
}

export interface SavedVariable {
  dtype?: number;
  shape?: TensorShapeProto;
  trainable?: boolean;
  synchronization?: number;
  aggregation?: number;
  name?: string;
  device?: string;
}

export interface SavedObject {
  children: ObjectReference[];
  slot_variables: SlotVariableReference[];
  user_object?: { identifier?: string; version?: VersionDef; metadata?: string };
  asset?: { asset_file_def_index?: number };
  function?: { concrete_functions: string[]; function_spec?: Uint8Array };
  variable?: SavedVariable;
  bare_concrete_function?: {
    concrete_function_name?: string;
    argument_keywords: string[];
    allowed_positional_arguments?: number;
    function_spec?: Uint8Array;
  };
  constant?: { operation?: string };
  resource?: { device?: string };
  captured_tensor?: { name?: string; concrete_function?: string };
}

export interface SavedConcreteFunction {
  bound_inputs: number[];
  /** StructuredValue bytes (see ../savedmodel/structured-value.ts); TensorFlow's loader needs both. */
  canonicalized_input_signature?: Uint8Array;
  output_signature?: Uint8Array;
}

export interface SavedObjectGraph {
  nodes: SavedObject[];
  concrete_functions: Record<string, SavedConcreteFunction>;
}

export interface MetaGraphDef {
  meta_info_def?: MetaInfoDef;
  graph_def?: GraphDef;
  saver_def?: { filename_tensor_name?: string; save_tensor_name?: string; restore_op_name?: string };
  signature_def: Record<string, SignatureDef>;
  asset_file_def: Array<{ tensor_info?: TensorInfo; filename?: string }>;
  object_graph_def?: SavedObjectGraph;
}

export interface SavedModel {
  saved_model_schema_version?: number;
  meta_graphs: MetaGraphDef[];
}

/** `fingerprint.pb`; the 64-bit hashes are kept as decimal strings so no digit is lost. */
export interface FingerprintDef {
  saved_model_checksum?: string;
  graph_def_program_hash?: string;
  signature_def_hash?: string;
  saved_object_graph_hash?: string;
  checkpoint_hash?: string;
  version?: VersionDef;
}

/** `BundleHeaderProto`: the entry under the empty key of a tensor bundle's `.index` table. */
export interface BundleHeaderProto {
  num_shards: number;
  endianness: number;
  version?: VersionDef | null;
}

/** `BundleEntryProto`: where one tensor of a bundle lives and what it holds. */
export interface BundleEntryProto {
  dtype: number;
  shape?: TensorShapeProto | null;
  shard_id: number;
  offset: number;
  size: number;
  crc32c: number;
  slices: unknown[];
}

export interface SerializedTensor {
  name: string;
  full_name: string;
  checkpoint_key: string;
  optional_restore?: boolean;
}

/** One node of a checkpoint's object graph (decoded with every field filled). */
export interface TrackableObject {
  children: Required<ObjectReference>[];
  attributes: SerializedTensor[];
  slot_variables: Required<SlotVariableReference>[];
  registered_saver?: { name: string; object_name: string } | null;
  has_checkpoint_values?: { value: boolean } | null;
}

/** The object graph stored under `_CHECKPOINTABLE_OBJECT_GRAPH`; node ids match the SavedObjectGraph's. */
export interface TrackableObjectGraph {
  nodes: TrackableObject[];
}

/** One node of tf-keras's `keras_metadata.pb`; `metadata` is a JSON string. */
export interface KerasSavedObject {
  node_id?: number;
  node_path?: string;
  identifier?: string;
  metadata?: string;
  version?: VersionDef;
}

export interface KerasSavedMetadata {
  nodes: KerasSavedObject[];
}
