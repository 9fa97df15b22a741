import * as tfc from "@tensorflow/tfjs-core";

/** What the wasm backend keeps per tensor (tfjs-backend-wasm 4.22's `dataIdMap` entries). */
interface WasmTensorRecord {
  memoryOffset: number | null;
  dtype: string;
  shape: number[];
}

interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): WasmTensorRecord | undefined };
  wasm: { HEAPU8: Uint8Array };
}

/**
 * A float32 tensor's values for reading right away, without the copy `dataSync()` makes on the wasm
 * backend: there it is a view of the tensor's memory inside the backend's heap. The view is only
 * valid until the next tf operation (the heap may move when it grows), so use it synchronously, e.g.
 * to write the values to a file, and never keep or modify it. Other backends (cpu, tensorflow) return
 * what `dataSync()` returns.
 *
 * @example
 * writeSync(descriptor, float32ValuesForReading(kernel));
 */
export function float32ValuesForReading(tensor: tfc.Tensor): Float32Array {
  if (tensor.dtype === "float32" && tfc.getBackend() === "wasm") {
    const backend = tfc.backend() as unknown as Partial<WasmBackendInternals>;
    const record = backend.dataIdMap?.get(tensor.dataId);
    const heap = backend.wasm?.HEAPU8;
    if (record && heap && typeof record.memoryOffset === "number" && record.dtype === "float32" && record.memoryOffset % 4 === 0) {
      return new Float32Array(heap.buffer, heap.byteOffset + record.memoryOffset, tensor.size);
    }
  }
  const values = tensor.dataSync();
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}
