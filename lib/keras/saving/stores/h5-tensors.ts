/**
 * What the two HDF5 stores (Keras 2 `.h5`, Keras 3 `.weights.h5` inside `.keras`) share: tensors as
 * float32 datasets, and saved arrays back as tensors and numbers.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { float32ValuesForReading } from "../../../backend/tensor-values.js";
import type { Hdf5Array } from "../../../formats/hdf5/hdf5-file.js";
import type { Hdf5Writer } from "../../../formats/hdf5/hdf5-writer.js";

/** The values go from the tensor's memory to the file without a copy in between (see float32ValuesForReading). */
export function writeTensor(h5: Hdf5Writer, path: string, tensor: tfc.Tensor): void {
  h5.dataset(path, float32ValuesForReading(tensor), [...tensor.shape]);
}

export /** A saved array as a float32 tensor (optimizer slots are float32). */
function tensorOf(array: Hdf5Array): tfc.Tensor {
  const values = array.values instanceof Float32Array ? array.values : Float32Array.from(array.values as ArrayLike<number>);
  return tfc.tensor(values, [...array.shape], "float32");
}

export function scalarNumber(array: Hdf5Array): number {
  return Number(array.values[0] ?? 0);
}
