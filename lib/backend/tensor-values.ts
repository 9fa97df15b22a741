import * as tfc from "@tensorflow/tfjs-core";

/** What the wasm backend keeps per tensor (tfjs-backend-wasm 4.22's `dataIdMap` entries). */
interface WasmTensorRecord {
  /** The tensor's id in the backend's C++ side. */
  id: number;
  memoryOffset: number | null;
  dtype: string;
  shape: number[];
  refCount: number;
}

interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): WasmTensorRecord | undefined };
  wasm: {
    HEAPU8: Uint8Array;
    tfjs: { disposeData(id: number): void; registerTensor(id: number, size: number, memoryOffset: number): void };
  };
}

/** What the cpu backend keeps per tensor (tfjs-backend-cpu 4.22's `data` entries). */
interface CpuBackendInternals {
  data: { get(dataId: object): { values?: unknown; refCount: number } | undefined };
}

/**
 * The bytes of a float32 or int32 tensor as the backend holds them, when it holds them in this
 * thread's memory (wasm heap, cpu arrays): `owned` says whether no other tensor shares them.
 */
function backendBytes(tensor: tfc.Tensor): { bytes: Uint8Array; owned: boolean; changed: () => void } | undefined {
  if (tensor.dtype !== "float32" && tensor.dtype !== "int32") return undefined;
  const byteLength = tensor.size * 4;
  const name = tfc.getBackend();
  if (name === "wasm") {
    const backend = tfc.backend() as unknown as Partial<WasmBackendInternals>;
    const record = backend.dataIdMap?.get(tensor.dataId);
    const heap = backend.wasm?.HEAPU8;
    if (!record || !heap || typeof record.memoryOffset !== "number" || record.dtype !== tensor.dtype) return undefined;
    const memoryOffset = record.memoryOffset;
    // The C++ side caches weights packed for XNNPACK (matMul, conv2d) by tensor id and drops them
    // when the id is disposed: re-registering the id at the same memory makes it repack new values.
    const changed = () => {
      backend.wasm!.tfjs.disposeData(record.id);
      backend.wasm!.tfjs.registerTensor(record.id, tensor.size, memoryOffset);
    };
    return { bytes: new Uint8Array(heap.buffer, heap.byteOffset + memoryOffset, byteLength), owned: record.refCount === 1, changed };
  }
  if (name === "cpu") {
    const record = (tfc.backend() as unknown as Partial<CpuBackendInternals>).data?.get(tensor.dataId);
    const values = record?.values;
    if (!(values instanceof Float32Array || values instanceof Int32Array) || values.byteLength !== byteLength) return undefined;
    return { bytes: new Uint8Array(values.buffer, values.byteOffset, byteLength), owned: record!.refCount === 1, changed: () => {} };
  }
  return undefined;
}

/**
 * A float32 or int32 tensor's stored bytes (little-endian, as files keep them) for reading right
 * away: on the wasm and cpu backends a view of the backend's own memory, elsewhere a copy. Like
 * {@link float32ValuesForReading}, the view is valid only until the next tf operation; never keep
 * or modify it.
 *
 * @example
 * writeSync(descriptor, tensorBytesForReading(kernel));
 */
export function tensorBytesForReading(tensor: tfc.Tensor): Uint8Array {
  const held = backendBytes(tensor);
  if (held) return held.bytes;
  const values = tensor.dataSync() as Float32Array | Int32Array;
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * Replaces a float32 or int32 variable's values with bytes `fill` writes (little-endian, the
 * variable's size): straight into the variable's own memory when the backend holds it in this thread
 * and no other tensor shares it, so a restore allocates nothing; otherwise into a new buffer that is
 * then assigned. `fill` must write every byte, or throw (the variable may then hold part of the new
 * values). Returns whether the values were written in place.
 *
 * @example
 * overwriteVariableValues(kernel, (bytes) => readSync(descriptor, bytes, 0, bytes.length, offset));
 */
export function overwriteVariableValues(variable: tfc.Variable, fill: (bytes: Uint8Array) => void): boolean {
  if (variable.dtype !== "float32" && variable.dtype !== "int32") {
    throw new TypeError(`overwriteVariableValues: ${variable.name} is ${variable.dtype}; only float32 and int32 variables are written byte for byte.`);
  }
  const held = backendBytes(variable);
  if (held?.owned) {
    try {
      fill(held.bytes);
    } finally {
      held.changed();
    }
    return true;
  }
  const bytes = new Uint8Array(variable.size * 4);
  fill(bytes);
  const values = variable.dtype === "float32" ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer);
  const tensor = tfc.tensor(values, variable.shape, variable.dtype);
  try {
    variable.assign(tensor);
  } finally {
    tensor.dispose();
  }
  return false;
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
