import h5wasm from "h5wasm/node";
import { writeFileAtomicWith } from "../../io/atomic-file.js";

/** Numeric arrays the writer stores: float32 weights and int64 counters (Keras's `iteration`). */
export type WritableValues = Float32Array | BigInt64Array;

type H5Group = InstanceType<typeof h5wasm.Group>;

const hdf5Ready = h5wasm.ready.then((module) => {
  module.activate_throwing_error_handler();
  return module;
});

/**
 * Builds an HDF5 file with the few constructs Keras files use (groups, float32/int64 datasets,
 * UTF-8 string and string-list attributes), written straight to a file.
 *
 * @example
 * await writeHdf5FileAtomic("x.h5", (h5) => { h5.group("vars"); h5.textAttribute("vars", "name", "adam"); });
 */
export class Hdf5Writer {
  private constructor(private readonly file: InstanceType<typeof h5wasm.File>) {}

  /** Creates the group at `path` and any missing parents. */
  group(path: string): void {
    let current = "";
    for (const part of path.split("/").filter(Boolean)) {
      const parent = current;
      current = current ? `${current}/${part}` : part;
      if (this.find(current)) continue;
      (parent ? (this.find(parent) as H5Group) : this.file).create_group(part);
    }
  }

  /** Writes one dataset (parent groups are created); `shape` [] writes a scalar. */
  dataset(path: string, values: WritableValues, shape: number[]): void {
    const slash = path.lastIndexOf("/");
    const parentPath = slash < 0 ? "" : path.slice(0, slash);
    if (parentPath) this.group(parentPath);
    const parent = parentPath ? (this.find(parentPath) as H5Group) : this.file;
    parent.create_dataset({ name: path.slice(slash + 1), data: values, shape, dtype: values instanceof BigInt64Array ? "<q" : "<f" });
  }

  /** A variable-length UTF-8 string attribute (what h5py writes for a Python `str`). */
  textAttribute(path: string, name: string, value: string): void {
    this.entity(path).create_attribute(name, value, null, "S");
  }

  /** A 1-D string-array attribute such as `layer_names`; an empty list becomes Keras's empty float64 array. */
  textListAttribute(path: string, name: string, values: string[]): void {
    if (values.length === 0) this.entity(path).create_attribute(name, new Float64Array(0), [0], "<d");
    else this.entity(path).create_attribute(name, values, [values.length], "S");
  }

  private entity(path: string): H5Group {
    if (path === "/" || path === "") return this.file;
    this.group(path);
    return this.find(path) as H5Group;
  }

  private find(path: string): unknown {
    try {
      return this.file.get(path);
    } catch {
      return null;
    }
  }

  /**
   * Runs `build` on a new HDF5 file at `path` (h5wasm's Node build writes straight to disk: the
   * datasets go from the caller's arrays through HDF5's heap to the file, never gathered in memory).
   */
  static async writeTo(path: string, build: (writer: Hdf5Writer) => void): Promise<void> {
    await hdf5Ready;
    const file = new h5wasm.File(path, "w");
    try {
      build(new Hdf5Writer(file));
    } finally {
      file.close();
    }
  }
}

/** Builds an HDF5 file and writes it to `path` atomically (readers never see a half-written file). */
export async function writeHdf5FileAtomic(path: string, build: (writer: Hdf5Writer) => void): Promise<void> {
  await writeFileAtomicWith(path, (temporary) => Hdf5Writer.writeTo(temporary.path, build));
}
