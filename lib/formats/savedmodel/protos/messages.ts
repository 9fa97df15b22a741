/**
 * Moved: the decoded TensorFlow message shapes are in `lib/formats/protobuf/messages.ts`. This file
 * only re-exports them for modules not yet switched (lib/tf/function, lib/keras/saving/savedmodel,
 * graph/kernels).
 */
export type * from "../../protobuf/messages.js";
