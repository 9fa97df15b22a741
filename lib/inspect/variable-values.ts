/** Every variable of a saved file with its values, for comparing two saves (`%diff`). */
import { loadCheckpoint } from "../formats/checkpoint/reader.js";
import { OBJECT_GRAPH_KEY } from "../formats/checkpoint/object-graph.js";
import { storedTensorToTfjs } from "../formats/stored-tensor.js";
import { detectFormat } from "../formats/detect.js";
import { Hdf5File } from "../formats/hdf5/hdf5-file.js";
import { readKerasArchive } from "../formats/keras-archive/keras-archive.js";

/** One stored variable with its values; `values` is null for strings (not comparable as numbers). */
export interface StoredVariable {
  dtype: string;
  shape: number[];
  values: ArrayLike<number> | ArrayLike<bigint> | null;
}

/**
 * Every variable of a saved file with its values, keyed as the file names it (checkpoint keys,
 * HDF5 dataset paths): TensorFlow checkpoints, SavedModel folders, Keras .h5 and .keras files.
 * Used to compare two saves (`%diff`).
 *
 * @example
 * const variables = await readStoredVariables("training_1/cp.ckpt");
 * variables.get("layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE")?.shape; // [32]
 */
export async function readStoredVariables(path: string): Promise<Map<string, StoredVariable>> {
  const { format, path: resolved } = detectFormat(path);
  const variables = new Map<string, StoredVariable>();
  switch (format) {
    case "tf-checkpoint":
    case "tf-savedmodel": {
      const reader = loadCheckpoint(resolved);
      for (const key of reader.keys()) {
        if (key === OBJECT_GRAPH_KEY) continue;
        const tensor = reader.getTensor(key);
        const { dtype, shape, data } = tensor;
        // Half floats are stored as raw bits: decoded through a tensor so differences are in value.
        const values =
          dtype === "string"
            ? null
            : dtype === "float16" || dtype === "bfloat16"
              ? storedTensorToTfjs(tensor).dataSync()
              : (data as ArrayLike<number> | ArrayLike<bigint>);
        variables.set(key, { dtype, shape, values });
      }
      return variables;
    }
    case "hdf5": {
      const file = await Hdf5File.open(resolved);
      try {
        for (const info of file.listDatasets("/")) {
          const array = info.dtype === "string" || info.dtype === "other" ? null : file.readArray(info.path);
          variables.set(info.path, { dtype: info.dtype, shape: info.shape, values: array?.values ?? null });
        }
      } finally {
        file.close();
      }
      return variables;
    }
    case "keras-zip": {
      const archive = await readKerasArchive(resolved);
      for (const [name, array] of archive.variables) {
        variables.set(name, { dtype: array.dtype, shape: array.shape, values: array.dtype === "string" || array.dtype === "other" ? null : array.values });
      }
      return variables;
    }
    case "tfjs":
      throw new Error(
        `${path} is a TensorFlow.js model.json; reading its values for comparison is not supported. Expected a checkpoint prefix, a SavedModel folder, a .h5 or a .keras file.`,
      );
  }
}
