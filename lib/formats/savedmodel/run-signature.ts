/**
 * `runSavedModelSignature(dir, signatureName, inputs)`: loads a SavedModel, runs one signature
 * and frees the loaded variables (for `tskeras predict DIR --signature NAME`).
 *
 * @example
 * ```ts
 * const outputs = await runSavedModelSignature("my_model", "serving_default", { dense_input: [[0, 1, ...]] });
 * outputs.dense_2!.arraySync();
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";
import { loadSavedModel } from "./load-saved-model.js";

/** An input value: a tensor, or nested arrays / a number converted with the signature's dtype. */
export type SignatureInput = tf.Tensor | number | number[] | number[][] | number[][][] | number[][][][];

export async function runSavedModelSignature(
  directory: string,
  signatureName = "serving_default",
  inputs: Record<string, SignatureInput>,
  options: { tags?: string[] } = {},
): Promise<Record<string, tf.Tensor>> {
  const model = await loadSavedModel(directory, options);
  try {
    const signature = model.signatures[signatureName];
    if (signature === undefined) {
      throw new Error(
        `SavedModel ${directory} has no signature "${signatureName}"; it has ${
          Object.keys(model.signatures)
            .sort()
            .map((key) => `"${key}"`)
            .join(", ") || "none"
        }.`,
      );
    }
    const tensors: Record<string, tf.Tensor> = {};
    const created: tf.Tensor[] = [];
    for (const [name, value] of Object.entries(inputs)) {
      if (value instanceof tf.Tensor) tensors[name] = value;
      else {
        const dtype = signature.inputs[name]?.dtype.startsWith("int") ? "int32" : "float32";
        const tensor = tf.tensor(value as number[], undefined, dtype);
        created.push(tensor);
        tensors[name] = tensor;
      }
    }
    try {
      return signature(tensors);
    } finally {
      created.forEach((tensor) => tensor.dispose());
    }
  } finally {
    model.dispose();
  }
}
