/**
 * TensorFlow SavedModel directories: inspect them and run their signatures in TypeScript.
 *
 * @example
 * ```ts
 * import { loadSavedModel, inspectSavedModel } from "./lib/formats/savedmodel/index.js";
 * const model = await loadSavedModel("my_model");
 * model.signatures.serving_default!({ dense_input: input });
 * ```
 */
export { loadSavedModel, loadFromFiles, type LoadSavedModelOptions, type LoadedSavedModel } from "./load-saved-model.js";
export { inspectSavedModel, formatSavedModelInspection, type SavedModelInspection, type SignatureInspection } from "./inspect-saved-model.js";
export type { ConcreteFunction } from "./signature-function.js";
export type { TensorSpec } from "./signature-tensor.js";
export { readSavedModelDirectory, selectMetaGraph, metaGraphTags, type SavedModelFiles } from "./saved-model-directory.js";
export { decodeSavedModel, decodeKerasMetadata, decodeFingerprint, decodeTrackableObjectGraph } from "../protobuf/decode.js";
export type * from "../protobuf/messages.js";
export type { VariableSource, StoredTensor } from "./variable-source.js";
export { kerasMetadataEntries, type KerasMetadataEntry } from "./keras-metadata.js";
export { supportedOps } from "./graph/kernels/op-registry.js";
export { dataTypeName } from "./graph-dtypes.js";
export { runSavedModelSignature, type SignatureInput } from "./run-signature.js";
