/**
 * tskeras: TensorFlow.js with the Keras API and file formats.
 *
 * @example
 * import { tf, keras } from "tskeras";
 * tf.getBackend();   // "wasm" (or "tensorflow" with @tensorflow/tfjs-node installed, else "cpu")
 */
import * as tfl from "@tensorflow/tfjs-layers";
import { selectBackend } from "./backend/select.js";

await selectBackend();

/** TensorFlow.js (core and layers in one namespace, like the `@tensorflow/tfjs` package). */
export * as tf from "./tf/index.js";

/** The Keras API (growing: see the library issue). */
export const keras = {
  layers: tfl.layers,
  Sequential: tfl.Sequential,
  Model: tfl.LayersModel,
  Input: tfl.input,
  sequential: tfl.sequential,
  model: tfl.model,
};

export { display, clearOutput, DisplayHandle, type DisplayOptions } from "./display/display.js";
export { registerMagic } from "./magics/registry.js";
