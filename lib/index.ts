/**
 * tskeras: TensorFlow.js with the Keras API and file formats.
 *
 * @example
 * import { tf, keras } from "tskeras";
 * tf.getBackend();   // "wasm" (or "tensorflow" with @tensorflow/tfjs-node installed, else "cpu")
 */
import { selectBackend } from "./backend/select.js";

await selectBackend();

/** TensorFlow.js (core and layers in one namespace, like the `@tensorflow/tfjs` package). */
export * as tf from "./api/tf.js";

/** The Keras API: `new keras.layers.Dense(512, { activation: "relu" })`, `new keras.Sequential([...])`. */
export * as keras from "./keras/index.js";

export { display, clearOutput, DisplayHandle, type DisplayOptions } from "./display/display.js";
export { registerMagic } from "./magics/registry.js";
