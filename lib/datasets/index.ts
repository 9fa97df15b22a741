/** Keras's built-in datasets (`keras.datasets.mnist`). */
export * as mnist from "./mnist.js";
