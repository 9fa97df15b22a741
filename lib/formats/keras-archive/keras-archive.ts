import { stringifyWithPythonFloats } from "../keras-json/python-float.js";
import { randomUUID } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KerasObjectConfig } from "../keras-json/schema.js";
import { isJsonObject, isKerasObject } from "../keras-json/schema.js";
import { Hdf5File, type Hdf5Array, type Hdf5DatasetInfo } from "../hdf5/hdf5-file.js";
import { Hdf5Writer } from "../hdf5/hdf5-writer.js";
import { writeFileAtomicWith } from "../../io/atomic-file.js";
import { SafeZipFile, type ZipLimits } from "./safe-zip.js";
import { StoredZipWriter } from "./zip-writer.js";

/** Member names fixed by Keras 3's `saving_lib`. */
export const kerasArchiveMembers = {
  config: "config.json",
  metadata: "metadata.json",
  weightsH5: "model.weights.h5",
  weightsNpz: "model.weights.npz",
} as const;

/** A Keras 3 `.keras` archive read into memory. */
export interface KerasArchive {
  source: string;
  config: KerasObjectConfig;
  /** `metadata.json` (`keras_version`, `date_saved`), or null when missing. */
  metadata: { keras_version?: string; date_saved?: string; [key: string]: unknown } | null;
  memberNames: string[];
  /** Every dataset of `model.weights.h5` with its values (e.g. `layers/dense/vars/0`). */
  variables: Map<string, Hdf5Array>;
  /** `name` attributes of `…/vars` groups (Keras writes the saveable's name there). */
  varsGroupNames: Map<string, string>;
}

/**
 * Reads a Keras 3 `.keras` zip: config, metadata and the variables of `model.weights.h5`.
 * Zip members are checked (paths, duplicates, bombs) before anything is expanded.
 *
 * @example
 * const archive = await readKerasArchive("model.keras");
 * archive.variables.get("layers/dense/vars/0")?.shape
 */
export async function readKerasArchive(path: string, limits?: ZipLimits): Promise<KerasArchive> {
  const zip = SafeZipFile.open(path, limits);
  try {
    const memberNames = zip.names();
    if (!zip.has(kerasArchiveMembers.config))
      throw new Error(`${path} has no ${kerasArchiveMembers.config} member (members: ${memberNames.join(", ") || "none"}). Expected a Keras 3 .keras archive.`);
    const config = parseJsonMember(path, kerasArchiveMembers.config, zip.read(kerasArchiveMembers.config));
    if (!isKerasObject(config)) throw new Error(`${path}: config.json is not a {class_name, config} object. The archive is corrupt or not written by Keras.`);
    const metadata = zip.has(kerasArchiveMembers.metadata) ? parseJsonMember(path, kerasArchiveMembers.metadata, zip.read(kerasArchiveMembers.metadata)) : null;
    if (!zip.has(kerasArchiveMembers.weightsH5) && zip.has(kerasArchiveMembers.weightsNpz)) {
      throw new Error(`${path} stores its weights as model.weights.npz, which tskeras does not read yet. Re-save with weights_format="h5" (the default).`);
    }
    const { variables, varsGroupNames } = zip.has(kerasArchiveMembers.weightsH5)
      ? await readWeightsMember(zip)
      : { variables: new Map<string, Hdf5Array>(), varsGroupNames: new Map<string, string>() };
    return { source: path, config, metadata: isJsonObject(metadata) ? (metadata as KerasArchive["metadata"]) : null, memberNames, variables, varsGroupNames };
  } finally {
    zip.close();
  }
}

/**
 * Writes a Keras 3 `.keras` archive atomically: `metadata.json`, `config.json`, then `model.weights.h5`
 * built by `writeWeights`, all stored uncompressed, as Keras writes them. The HDF5 file is written
 * to a temporary sibling of the archive and copied in chunks, so the weights are never held in memory twice.
 *
 * @example
 * await writeKerasArchive("m.keras", { metadata, config, writeWeights: (h5) => h5.dataset("vars/0", values, [2]) });
 */
export async function writeKerasArchive(
  path: string,
  content: { metadata: unknown; config: unknown; writeWeights: (writer: Hdf5Writer) => void },
): Promise<void> {
  // Python floats stay floats (`momentum: 0.0`): Keras refuses ints for float options.
  const text = (value: unknown) => new TextEncoder().encode(stringifyWithPythonFloats(value));
  await writeFileAtomicWith(path, async (archive) => {
    const weightsPath = `${archive.path}.weights.h5`;
    try {
      await Hdf5Writer.writeTo(weightsPath, content.writeWeights);
      const zip = new StoredZipWriter(archive.descriptor);
      zip.addBytes(kerasArchiveMembers.metadata, text(content.metadata));
      zip.addBytes(kerasArchiveMembers.config, text(content.config));
      // At a power-of-two offset, so a load opens the archive itself as the HDF5 file (no extraction).
      zip.addFile(kerasArchiveMembers.weightsH5, weightsPath, { dataAtPowerOfTwo: true });
      zip.finish();
    } finally {
      rmSync(weightsPath, { force: true });
    }
  });
}

/** The 8 bytes that start an HDF5 superblock. */
const hdf5Signature = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a);

/**
 * Whether the HDF5 library, opening the archive file itself, finds the member's superblock: the
 * library looks at offsets 0, 512, 1024, 2048, … and takes the first signature (addresses are then
 * relative to it), so the member must be stored at such an offset with no signature before it.
 */
function opensAsHdf5InPlace(zip: SafeZipFile, range: { offset: number; size: number }): boolean {
  const { offset } = range;
  if (offset < 512 || (offset & (offset - 1)) !== 0) return false;
  const startsWith = (at: number) => zip.readAt(at, hdf5Signature.length).every((byte, index) => byte === hdf5Signature[index]);
  if (!startsWith(offset)) return false;
  for (let at = 0; at < offset; at = at === 0 ? 512 : at * 2) if (startsWith(at)) return false;
  return true;
}

/**
 * h5wasm's Node build reads files from disk. A stored member at a power-of-two offset (as tskeras
 * writes archives) is read in place, from the archive; otherwise the member is extracted (in chunks,
 * never whole in memory) to a private temporary file that is removed before returning.
 */
async function readWeightsMember(zip: SafeZipFile): Promise<{ variables: Map<string, Hdf5Array>; varsGroupNames: Map<string, string> }> {
  const source = zip.source;
  const range = zip.storedRange(kerasArchiveMembers.weightsH5);
  if (range && opensAsHdf5InPlace(zip, range)) return readWeightsFile(source, source);
  const directory = mkdtempSync(join(tmpdir(), "tskeras-weights-"));
  const file = join(directory, `${randomUUID()}.h5`);
  try {
    const descriptor = openSync(file, "w", 0o600);
    try {
      zip.extractTo(kerasArchiveMembers.weightsH5, descriptor);
    } finally {
      closeSync(descriptor);
    }
    return await readWeightsFile(file, source);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Reads the weights member from `file` (the archive itself or an extracted copy); errors name the member of `source`. */
async function readWeightsFile(file: string, source: string): Promise<{ variables: Map<string, Hdf5Array>; varsGroupNames: Map<string, string> }> {
  const member = `${source} (member model.weights.h5)`;
  const h5 = await Hdf5File.open(file).catch((error: unknown) => {
    throw new Error(
      `${source}: its model.weights.h5 member is not readable HDF5 (${error instanceof Error ? error.message.split(file).join(member) : String(error)}).`,
    );
  });
  try {
    return readKeras3Weights(h5);
  } catch (error) {
    // Name the archive member, not the file HDF5 read.
    throw new Error(error instanceof Error ? error.message.split(file).join(member) : String(error));
  } finally {
    h5.close();
  }
}

/** Reads all variables of a Keras 3 weights file (`model.weights.h5` or `*.weights.h5`). */
export function readKeras3Weights(file: Hdf5File): { variables: Map<string, Hdf5Array>; varsGroupNames: Map<string, string> } {
  const variables = new Map<string, Hdf5Array>();
  const varsGroupNames = new Map<string, string>();
  for (const info of file.listDatasets("/")) variables.set(info.path, file.readArray(info.path));
  for (const groupPath of new Set([...variables.keys()].map((path) => path.slice(0, path.lastIndexOf("/"))))) {
    const name = groupPath.endsWith("vars") ? file.attributeText(groupPath, "name") : null;
    if (name !== null) varsGroupNames.set(groupPath, name);
  }
  return { variables, varsGroupNames };
}

/** Describes the variables without values (for inspection). */
export function describeVariables(variables: Map<string, Hdf5Array>): Hdf5DatasetInfo[] {
  return [...variables.values()].map(({ path, dtype, shape }) => ({ path, dtype, shape }));
}

function parseJsonMember(path: string, member: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new Error(`${path}: ${member} is not valid JSON (${error instanceof Error ? error.message : String(error)}). The archive is corrupt.`);
  }
}
