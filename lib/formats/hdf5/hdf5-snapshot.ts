/**
 * The whole content of an HDF5 file as plain, transferable data: every group's children and
 * attributes, every dataset's type, shape and values. Read in a worker thread (see
 * hdf5-read-worker.ts) because the HDF5 library can loop forever on damaged metadata (h5py does too),
 * and only a separate thread can be stopped; each failed read is recorded where it happened so the
 * reader reports it when that part is asked for, as a direct read would.
 *
 * @example
 * const snapshot = await snapshotHdf5("model.h5"); // in the worker
 */
import h5wasm from "h5wasm/node";

/** h5wasm's dtype description: HDF5 type class, byte size, signedness. */
export interface SnapshotDtype {
  type: number;
  size: number;
  signed: boolean;
}

/** A value, or the message of the error reading it raised. */
export type SnapshotRead<T> = { value: T } | { error: string };

export interface SnapshotObject {
  kind: "group" | "dataset" | "other";
  attributes: SnapshotRead<Record<string, SnapshotRead<unknown>>>;
  /** Groups: child names in file order. */
  children?: SnapshotRead<string[]>;
  dtype?: SnapshotRead<SnapshotDtype>;
  shape?: number[];
  value?: SnapshotRead<unknown>;
}

/** Path (no leading slash; `""` is the root) → object, or the error `get(path)` raised. */
export type Hdf5Snapshot = Record<string, SnapshotRead<SnapshotObject>>;

/** `retire`: the library aborted while reading, so the reading thread must be replaced. */
export type SnapshotOutcome = ({ snapshot: Hdf5Snapshot } | { openError: string }) & { retire?: boolean };

/** Resolves once the HDF5 library (wasm) is loaded. */
export const hdf5Ready: Promise<unknown> = h5wasm.ready.then((module) => {
  // HDF5's error stack becomes a thrown error instead of text printed on stderr.
  module.activate_throwing_error_handler();
  return module;
});

/** Set when the library aborted (e.g. out of memory on a damaged size): its state can no longer be trusted. */
let aborted = false;

function read<T>(body: () => T): SnapshotRead<T> {
  try {
    return { value: body() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if ((error as { name?: string })?.name === "RuntimeError" || /Aborted\(/.test(message)) aborted = true;
    return { error: message };
  }
}

type Entity = InstanceType<typeof h5wasm.Group> | InstanceType<typeof h5wasm.Dataset>;

function describeObject(entity: unknown): SnapshotObject {
  if (!(entity instanceof h5wasm.Group) && !(entity instanceof h5wasm.Dataset)) return { kind: "other", attributes: { value: {} } };
  const object = entity as Entity;
  const attributes = read(() => {
    const values: Record<string, SnapshotRead<unknown>> = {};
    for (const name of Object.keys(object.attrs)) values[name] = read(() => object.attrs[name]?.value ?? null);
    return values;
  });
  if (object instanceof h5wasm.Group) return { kind: "group", attributes, children: read(() => object.keys()) };
  const dataset = object as InstanceType<typeof h5wasm.Dataset>;
  return {
    kind: "dataset",
    attributes,
    dtype: read(() => {
      const { type, size, signed } = dataset.metadata;
      return { type, size, signed };
    }),
    shape: [...(dataset.shape ?? [])],
    value: read(() => datasetValue(dataset)),
  };
}

/** Numeric datasets bigger than this are read in blocks of rows of about this size. */
const blockBytes = 4 << 20;

type NumericArray = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;

/**
 * A dataset's value. A big integer or float dataset is read a block of rows at a time into one
 * array: the library's heap, which never shrinks, then holds one block instead of the whole dataset.
 */
function datasetValue(dataset: InstanceType<typeof h5wasm.Dataset>): unknown {
  const shape = dataset.shape ?? [];
  const { type, size } = dataset.metadata;
  const count = shape.reduce((product, extent) => product * extent, 1);
  if (shape.length === 0 || (type !== 0 && type !== 1) || count * size <= blockBytes) return dataset.value;
  const rowsPerBlock = Math.max(1, Math.floor(blockBytes / ((count / shape[0]!) * size)));
  let values: NumericArray | undefined;
  let filled = 0;
  for (let start = 0; start < shape[0]!; start += rowsPerBlock) {
    const block = dataset.slice([[start, Math.min(shape[0]!, start + rowsPerBlock)]]);
    if (!ArrayBuffer.isView(block)) return dataset.value; // a type h5wasm does not give as a typed array
    values ??= new (block.constructor as new (length: number) => NumericArray)(count);
    (values as Float32Array).set(block as unknown as Float32Array, filled);
    filled += (block as NumericArray).length;
  }
  return values;
}

const maxDepth = 64;
const maxObjects = 1_000_000;

/** Reads everything in the file at `path`; call it where a hang can be stopped (a worker). */
export async function snapshotHdf5(path: string): Promise<SnapshotOutcome> {
  await hdf5Ready;
  let file: InstanceType<typeof h5wasm.File>;
  try {
    file = new h5wasm.File(path, "r");
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { openError: message, retire: (error as { name?: string })?.name === "RuntimeError" || /Aborted\(/.test(message) };
  }
  try {
    if (!file.file_id || file.file_id < 0n) return { openError: "the file is truncated or corrupt" };
    const snapshot: Hdf5Snapshot = {};
    let objects = 0;
    const visit = (path: string, entity: unknown, depth: number): void => {
      // Hard links can make a group its own descendant; Keras files are a few levels deep.
      if (depth > maxDepth || ++objects > maxObjects) {
        snapshot[path] = { error: `more than ${depth > maxDepth ? `${maxDepth} levels of nested groups` : `${maxObjects} objects`} (looping links?)` };
        return;
      }
      const object = describeObject(entity);
      snapshot[path] = { value: object };
      const children = object.children;
      if (!children || !("value" in children)) return;
      for (const name of children.value) {
        const childPath = path === "" ? name : `${path}/${name}`;
        if (childPath in snapshot) continue;
        let child: unknown;
        try {
          child = (entity as InstanceType<typeof h5wasm.Group>).get(name);
        } catch (error) {
          snapshot[childPath] = { error: error instanceof Error ? error.message : String(error) };
          continue;
        }
        visit(childPath, child, depth + 1);
      }
    };
    visit("", file, 0);
    return { snapshot, retire: aborted };
  } finally {
    try {
      file.close();
    } catch {
      // A corrupt file may fail to close; the handle is gone either way.
    }
  }
}

/** The typed arrays' buffers inside a snapshot, to transfer instead of copy. */
export function transferableBuffers(snapshot: Hdf5Snapshot): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const entry of Object.values(snapshot)) {
    if (!("value" in entry)) continue;
    const value = entry.value.value;
    if (value && "value" in value && ArrayBuffer.isView(value.value) && value.value.buffer instanceof ArrayBuffer) buffers.add(value.value.buffer);
  }
  return [...buffers];
}
