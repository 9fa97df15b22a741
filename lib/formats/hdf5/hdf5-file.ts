import { existsSync, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { Hdf5Snapshot, SnapshotDtype, SnapshotObject, SnapshotOutcome, SnapshotRead } from "./hdf5-snapshot.js";

/** Numpy-style dtype names used across tskeras's readers. */
export type ArrayDtype =
  | "float16"
  | "float32"
  | "float64"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "bool"
  | "string"
  | "other";

/** A dataset's description without its values. */
export interface Hdf5DatasetInfo {
  /** Absolute path inside the file without the leading slash, e.g. `model_weights/dense/dense/kernel:0`. */
  path: string;
  dtype: ArrayDtype;
  shape: number[];
}

/** A dataset read into memory. Floats come as Float32Array/Float64Array, int64 as BigInt64Array. */
export interface Hdf5Array extends Hdf5DatasetInfo {
  values: ArrayLike<number> | ArrayLike<bigint>;
}

/**
 * How long reading one file may take before it is abandoned as a file the HDF5 library loops on:
 * `baseDeadlineMs` plus `millisecondsPerMegabyte` for each MB of the file.
 */
export const hdf5ReadLimits = { baseDeadlineMs: 30_000, millisecondsPerMegabyte: 200 };

/**
 * Reads files in a worker thread. The HDF5 library can spin forever on damaged metadata (h5py hangs
 * on the same bytes), and only a worker can be stopped; it also keeps a library abort on a corrupt
 * file away from this thread. The worker is reused while it behaves and replaced after a failure.
 */
class ReadWorker {
  private static current: ReadWorker | null = null;
  // `--input-type` (from `node --input-type=module -e ...`) is refused by file workers; other flags carry over.
  private readonly worker = new Worker(new URL("./hdf5-read-worker.js", import.meta.url), {
    execArgv: process.execArgv.filter((argument) => !argument.startsWith("--input-type")),
  });
  private nextId = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /** Loading the HDF5 library takes a few seconds on a busy machine; it does not count against a file's deadline. */
  private readonly ready = new Promise<void>((resolve, reject) => {
    const onMessage = (message: { ready?: boolean }) => {
      if (!message.ready) return;
      this.worker.off("message", onMessage);
      resolve();
    };
    this.worker.on("message", onMessage);
    this.worker.once("error", (error) => reject(new Error(`The HDF5 reader thread failed to start (${error.message}).`)));
  });

  private constructor() {
    this.worker.unref(); // an idle reader never keeps the process alive
    this.ready.catch(() => {
      if (ReadWorker.current === this) ReadWorker.current = null;
    });
  }

  static read(path: string, deadlineMs: number): Promise<SnapshotOutcome> {
    ReadWorker.current ??= new ReadWorker();
    return ReadWorker.current.enqueue(path, deadlineMs);
  }

  private pending = 0;

  private enqueue(path: string, deadlineMs: number): Promise<SnapshotOutcome> {
    // Referenced while a read is pending (the caller awaits it), unreferenced when idle.
    if (this.pending++ === 0) this.worker.ref();
    const result = this.queue.then(() => this.ready).then(() => this.request(path, deadlineMs));
    this.queue = result
      .catch(() => undefined)
      .finally(() => {
        if (--this.pending === 0) this.worker.unref();
      });
    return result;
  }

  private request(path: string, deadlineMs: number): Promise<SnapshotOutcome> {
    const id = this.nextId++;
    return new Promise<SnapshotOutcome>((resolve, reject) => {
      const cleanUp = () => {
        clearTimeout(timer);
        this.worker.off("message", onMessage);
        this.worker.off("error", onError);
        this.worker.off("exit", onExit);
      };
      const retire = () => {
        if (ReadWorker.current === this) ReadWorker.current = null;
        void this.worker.terminate();
      };
      const timer = setTimeout(() => {
        cleanUp();
        retire();
        reject(
          new Error(
            `${path}: reading the HDF5 file did not finish within ${(deadlineMs / 1000).toFixed(0)} s, so it was stopped. The HDF5 library loops on damaged metadata like this; the file is corrupt (or crafted).`,
          ),
        );
      }, deadlineMs);
      const onMessage = (message: { id: number; outcome: SnapshotOutcome }) => {
        if (message.id !== id) return;
        cleanUp();
        if (message.outcome.retire) retire();
        resolve(message.outcome);
      };
      const onError = (error: Error) => {
        cleanUp();
        retire();
        reject(new Error(`${path} could not be read as HDF5: the reader failed (${error.message.slice(0, 200)}). The file is truncated or corrupt.`));
      };
      const onExit = (code: number) => {
        cleanUp();
        retire();
        reject(new Error(`${path} could not be read as HDF5: the reader stopped (exit code ${code}). The file is truncated or corrupt.`));
      };
      this.worker.on("message", onMessage);
      this.worker.on("error", onError);
      this.worker.on("exit", onExit);
      this.worker.postMessage({ id, path });
    });
  }
}

/**
 * Read-only view of an HDF5 file (Keras .h5 models and weights), read whole by h5wasm in a worker
 * thread under a deadline, then served from memory.
 *
 * @example
 * const file = await Hdf5File.open("model.h5");
 * try { console.log(file.attributeText("/", "keras_version")); } finally { file.close(); }
 */
export class Hdf5File {
  private constructor(
    readonly path: string,
    private readonly snapshot: Hdf5Snapshot,
  ) {}

  /** Opens `path` for reading; throws a clear error when it is missing, not HDF5, or makes HDF5 loop. */
  static async open(path: string): Promise<Hdf5File> {
    if (!existsSync(path)) throw new Error(`${path} does not exist. Expected an HDF5 file (.h5/.hdf5/.keras).`);
    const megabytes = statSync(path).size / 1e6;
    const outcome = await ReadWorker.read(path, hdf5ReadLimits.baseDeadlineMs + megabytes * hdf5ReadLimits.millisecondsPerMegabyte);
    if ("openError" in outcome) {
      throw new Error(
        `${path} could not be opened as HDF5 (${describe(outcome.openError)}). Expected a file written by h5py or Keras; it may be truncated or corrupt.`,
      );
    }
    return new Hdf5File(path, outcome.snapshot);
  }

  /** Releases the file's data (kept for API compatibility; reading already closed the file). */
  close(): void {}

  /** Whether a group exists at `path`. */
  hasGroup(path: string): boolean {
    return guarded(this.path, `group ${path}`, () => {
      return this.groupOrNull(path) !== null;
    });
  }

  /** Names directly under a group, in the file's (sorted) order. */
  childNames(groupPath: string): string[] {
    return guarded(this.path, `group ${groupPath}`, () => {
      const group = this.groupOrNull(groupPath);
      if (!group) throw new Error(`${this.path}: group "${groupPath}" is missing.`);
      return [...unwrap(group.children!)];
    });
  }

  /** Names of the attributes of the object at `path`. */
  attributeNames(path: string): string[] {
    return guarded(this.path, `attributes of ${path}`, () => {
      const entity = this.entity(path);
      return entity ? Object.keys(unwrap(entity.attributes)) : [];
    });
  }

  /** A string attribute (bytes are decoded as UTF-8), or null when absent. */
  attributeText(path: string, name: string): string | null {
    return guarded(this.path, `attribute ${name} of ${path}`, () => {
      const value = this.attributeValue(path, name);
      if (value === null) return null;
      if (typeof value === "string") return value;
      if (value instanceof Uint8Array) return new TextDecoder().decode(value);
      if (Array.isArray(value) && value.length === 1 && typeof value[0] === "string") return value[0];
      throw new Error(`${this.path}: attribute "${name}" of "${path}" is not text. Expected a string attribute as Keras writes.`);
    });
  }

  /** A string-array attribute such as `layer_names` or `weight_names`, or null when absent. */
  attributeTextList(path: string, name: string): string[] | null {
    return guarded(this.path, `attribute ${name} of ${path}`, () => {
      const value = this.attributeValue(path, name);
      if (value === null) return null;
      const items = Array.isArray(value) ? value : ArrayBuffer.isView(value) && !(value instanceof Uint8Array) ? [] : [value];
      return items.map((item) => {
        if (typeof item === "string") return item;
        if (item instanceof Uint8Array) return new TextDecoder().decode(item);
        throw new Error(`${this.path}: attribute "${name}" of "${path}" holds ${typeof item}, expected strings.`);
      });
    });
  }

  /** Every dataset under `groupPath` (depth first, file order). */
  listDatasets(groupPath = "/"): Hdf5DatasetInfo[] {
    return guarded(this.path, `the datasets under ${groupPath}`, () => {
      const found: Hdf5DatasetInfo[] = [];
      const visit = (path: string): void => {
        const group = this.groupOrNull(path);
        if (!group) return;
        for (const name of unwrap(group.children!)) {
          const childPath = path === "" ? name : `${path}/${name}`;
          const child = this.snapshot[childPath];
          if (child === undefined) continue;
          const object = unwrap(child);
          if (object.kind === "group") visit(childPath);
          else if (object.kind === "dataset") found.push(this.describeDataset(childPath, object));
        }
      };
      visit(normalize(groupPath));
      return found;
    });
  }

  /** Shape and dtype of one dataset. */
  datasetInfo(path: string): Hdf5DatasetInfo {
    return guarded(this.path, `dataset ${path}`, () => {
      return this.describeDataset(normalize(path), this.dataset(path));
    });
  }

  /** Reads one dataset whole. */
  readArray(path: string): Hdf5Array {
    return guarded(this.path, `dataset ${path}`, () => {
      const dataset = this.dataset(path);
      const info = this.describeDataset(normalize(path), dataset);
      const value = unwrap(dataset.value!);
      if (typeof value === "number") return { ...info, values: new Float64Array([value]) };
      if (typeof value === "bigint") return { ...info, values: new BigInt64Array([value]) };
      if (typeof value === "boolean") return { ...info, values: new Uint8Array([value ? 1 : 0]) };
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return { ...info, values: value as unknown as ArrayLike<number> };
      throw new Error(`${this.path}: dataset "${path}" has dtype ${info.dtype}, which is not a numeric array. Expected numeric weights.`);
    });
  }

  private describeDataset(path: string, dataset: SnapshotObject): Hdf5DatasetInfo {
    return { path, dtype: dtypeFromMetadata(unwrap(dataset.dtype!)), shape: [...(dataset.shape ?? [])] };
  }

  private dataset(path: string): SnapshotObject {
    const entity = this.entity(path);
    if (entity?.kind !== "dataset") throw new Error(`${this.path}: dataset "${path}" is missing. The file may be truncated or not written by Keras.`);
    return entity;
  }

  private groupOrNull(path: string): SnapshotObject | null {
    const entity = this.entity(path);
    return entity?.kind === "group" ? entity : null;
  }

  /** The object at `path`, or null when there is none or HDF5 could not open it. */
  private entity(path: string): SnapshotObject | null {
    const entry = this.snapshot[normalize(path)];
    if (entry === undefined || !("value" in entry)) return null;
    return entry.value.kind === "other" ? null : entry.value;
  }

  private attributeValue(path: string, name: string): unknown {
    const entity = this.entity(path);
    if (!entity) return null;
    const attribute = unwrap(entity.attributes)[name];
    return attribute ? unwrap(attribute) : null;
  }
}

/** `/a/b/` → `a/b`; the root is `""`. */
function normalize(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}

/** The value of a recorded read, or its error thrown again (as reading it directly would have). */
function unwrap<T>(read: SnapshotRead<T>): T {
  if ("error" in read) throw new Error(read.error);
  return read.value;
}

/** h5wasm type classes follow HDF5's H5T_class_t: 0 integer, 1 float, 3 string, 8 enum (h5py bool). */
function dtypeFromMetadata(metadata: SnapshotDtype): ArrayDtype {
  if (metadata.type === 1) return metadata.size === 2 ? "float16" : metadata.size === 4 ? "float32" : metadata.size === 8 ? "float64" : "other";
  if (metadata.type === 0) {
    const bits = metadata.size * 8;
    if (![8, 16, 32, 64].includes(bits)) return "other";
    return `${metadata.signed ? "int" : "uint"}${bits}` as ArrayDtype;
  }
  if (metadata.type === 3) return "string";
  if (metadata.type === 8) return "bool";
  return "other";
}

/** The most specific line of an HDF5 error stack (its last frame), or the message itself. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const frames = [...message.matchAll(/#\d+:.*? in ([\w]+\(\)): (.*)/g)];
  const last = frames.at(-1);
  return (last ? `${last[1]} ${last[2]}` : message).trim().slice(0, 300);
}

/** Errors tskeras raises itself already explain the problem; anything else is HDF5 failing. */
class Hdf5ReadError extends Error {}

function guarded<T>(file: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof Hdf5ReadError || (error instanceof Error && error.message.startsWith(file))) throw error;
    throw new Hdf5ReadError(`${file}: reading ${what} failed (${describe(error)}). The file is truncated or corrupt.`);
  }
}
