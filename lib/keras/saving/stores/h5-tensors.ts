/**
 * What the two HDF5 stores (Keras 2 `.h5`, Keras 3 `.weights.h5` inside `.keras`) share: tensors as
 * float32 datasets, and saved arrays back as tensors and numbers.
 */
import * as tfc from "@tensorflow/tfjs-core";
import type { Hdf5Array } from "../../../formats/hdf5/hdf5-file.js";
import type { Hdf5Writer } from "../../../formats/hdf5/hdf5-writer.js";

function float32Values(tensor: tfc.Tensor): Float32Array {
  const values = tensor.dataSync();
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}

export function writeTensor(h5: Hdf5Writer, path: string, tensor: tfc.Tensor): void {
  h5.dataset(path, float32Values(tensor), [...tensor.shape]);
}

export /** A saved array as a float32 tensor (optimizer slots are float32). */
function tensorOf(array: Hdf5Array): tfc.Tensor {
  const values = array.values instanceof Float32Array ? array.values : Float32Array.from(array.values as ArrayLike<number>);
  return tfc.tensor(values, [...array.shape], "float32");
}

export function scalarNumber(array: Hdf5Array): number {
  return Number(array.values[0] ?? 0);
}
