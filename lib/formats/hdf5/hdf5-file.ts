import { existsSync } from "node:fs";
import h5wasm from "h5wasm/node";

/** Numpy-style dtype names used across tskeras's readers. */
export type ArrayDtype = "float16" | "float32" | "float64" | "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64" | "bool" | "string" | "other";

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

const hdf5Ready = h5wasm.ready.then((module) => {
  // Turn HDF5's error stack into a thrown error instead of text printed on stderr, so corrupt
  // files surface as one clear exception.
  module.activate_throwing_error_handler();
  return module;
});

/**
 * Read-only view of an HDF5 file (Keras .h5 models and weights). Wraps h5wasm, whose Node build
 * opens files on disk directly.
 *
 * @example
 * const file = await Hdf5File.open("model.h5");
 * try { console.log(file.attributeText("/", "keras_version")); } finally { file.close(); }
 */
export class Hdf5File {
  private constructor(
    readonly path: string,
    private readonly file: InstanceType<typeof h5wasm.File>,
  ) {}

  /** Opens `path` for reading; throws a clear error when it is missing or not HDF5. */
  static async open(path: string): Promise<Hdf5File> {
    await hdf5Ready;
    if (!existsSync(path)) throw new Error(`${path} does not exist. Expected an HDF5 file (.h5/.hdf5/.keras).`);
    let file: InstanceType<typeof h5wasm.File>;
    try {
      file = new h5wasm.File(path, "r");
    } catch (error) {
      throw new Error(`${path} could not be opened as HDF5 (${describe(error)}). Expected a file written by h5py or Keras; it may be truncated or corrupt.`);
    }
    if (!file.file_id || file.file_id < 0n) throw new Error(`${path} could not be opened as HDF5: the file is truncated or corrupt.`);
    return new Hdf5File(path, file);
  }

  /** Releases the file; never throws (a corrupt file may fail to close cleanly). */
  close(): void {
    try {
      this.file.close();
    } catch {
      // Nothing useful to report: the handle is gone either way.
    }
  }

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
      return group.keys();
    });
  }

  /** Names of the attributes of the object at `path`. */
  attributeNames(path: string): string[] {
    return guarded(this.path, `attributes of ${path}`, () => {
      const entity = this.entity(path);
      return entity ? Object.keys(entity.attrs) : [];
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
        for (const name of group.keys()) {
          const childPath = path === "/" ? name : `${path.replace(/^\//, "")}/${name}`;
          const child = group.get(name);
          if (child instanceof h5wasm.Group) visit(childPath);
          else if (child instanceof h5wasm.Dataset) found.push(this.describeDataset(childPath, child));
        }
      };
      visit(groupPath);
      return found;
    });
  }

  /** Shape and dtype of one dataset. */
  datasetInfo(path: string): Hdf5DatasetInfo {
    return guarded(this.path, `dataset ${path}`, () => {
      return this.describeDataset(path, this.dataset(path));
    });
  }

  /** Reads one dataset whole. */
  readArray(path: string): Hdf5Array {
    return guarded(this.path, `dataset ${path}`, () => {
      const dataset = this.dataset(path);
      const info = this.describeDataset(path, dataset);
      const value = dataset.value;
      if (typeof value === "number") return { ...info, values: new Float64Array([value]) };
      if (typeof value === "bigint") return { ...info, values: new BigInt64Array([value]) };
      if (typeof value === "boolean") return { ...info, values: new Uint8Array([value ? 1 : 0]) };
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return { ...info, values: value as unknown as ArrayLike<number> };
      throw new Error(`${this.path}: dataset "${path}" has dtype ${info.dtype}, which is not a numeric array. Expected numeric weights.`);
    });
  }

  private describeDataset(path: string, dataset: InstanceType<typeof h5wasm.Dataset>): Hdf5DatasetInfo {
    const metadata = dataset.metadata;
    return { path: path.replace(/^\//, ""), dtype: dtypeFromMetadata(metadata), shape: [...(dataset.shape ?? [])] };
  }

  private dataset(path: string): InstanceType<typeof h5wasm.Dataset> {
    const entity = this.entity(path);
    if (!(entity instanceof h5wasm.Dataset)) throw new Error(`${this.path}: dataset "${path}" is missing. The file may be truncated or not written by Keras.`);
    return entity;
  }

  private groupOrNull(path: string): InstanceType<typeof h5wasm.Group> | null {
    if (path === "/" || path === "") return this.file;
    const entity = this.entity(path);
    return entity instanceof h5wasm.Group ? entity : null;
  }

  private entity(path: string): InstanceType<typeof h5wasm.Group> | InstanceType<typeof h5wasm.Dataset> | null {
    if (path === "/" || path === "") return this.file;
    try {
      const entity = this.file.get(path);
      return entity instanceof h5wasm.Group || entity instanceof h5wasm.Dataset ? entity : null;
    } catch {
      return null;
    }
  }

  private attributeValue(path: string, name: string): unknown {
    const entity = this.entity(path);
    if (!entity) return null;
    const attribute = entity.attrs[name];
    return attribute ? attribute.value : null;
  }
}

/** h5wasm type classes follow HDF5's H5T_class_t: 0 integer, 1 float, 3 string, 8 enum (h5py bool). */
function dtypeFromMetadata(metadata: { type: number; size: number; signed: boolean }): ArrayDtype {
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
