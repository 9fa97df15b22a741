/**
 * Moved: the one TensorFlow protobuf schema root is `lib/formats/protobuf/tensorflow.ts`. This file
 * only re-exports it for modules not yet switched (lib/tf/function, lib/keras/saving/savedmodel).
 */
export {
  decodeMessage,
  fingerprintMessage,
  graphDefMessage,
  kerasSavedMetadataMessage,
  savedModelMessage,
  tensorProtoMessage,
  trackableObjectGraphMessage,
} from "../../protobuf/tensorflow.js";
