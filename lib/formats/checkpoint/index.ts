/**
 * TensorFlow checkpoints (tensor bundles, the `checkpoint` state file, object graphs).
 *
 * @example
 * import { loadCheckpoint, listVariables } from "./lib/formats/checkpoint/index.js";
 * listVariables("training_1");
 */
export { CheckpointFormatError } from "./errors.js";
export { BundleReader, writeBundle, dataShardPath, type CheckpointTensor, type CheckpointTensorInput, type BundleEntryInfo } from "./bundle.js";
export { type CheckpointDtype, type NumericData, float16BitsToNumber, bfloat16BitsToNumber } from "./bundle-dtypes.js";
export { readTable, writeTable, type TableEntry, type TableWriteOptions } from "./sstable.js";
export { crc32cOf, maskCrc, unmaskCrc } from "./masked-crc.js";
export {
  CHECKPOINT_STATE_FILENAME,
  parseCheckpointState,
  formatCheckpointState,
  readCheckpointState,
  writeCheckpointState,
  latestCheckpoint,
  type CheckpointState,
} from "./state-file.js";
export {
  OBJECT_GRAPH_KEY,
  VARIABLE_VALUE,
  decodeObjectGraph,
  encodeObjectGraph,
  escapeLocalName,
  objectPath,
  checkpointKey,
  slotVariablePath,
  buildObjectGraph,
  type TrackableNode,
  type TrackableObject,
  type TrackableObjectGraph,
} from "./object-graph.js";
export { CheckpointReader, loadCheckpoint, listVariables, resolveCheckpointPrefix } from "./reader.js";
export { storedTensorToTfjs, type StoredTensor } from "../stored-tensor.js";
