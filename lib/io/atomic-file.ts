import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** The temporary file an atomic write fills: its path (for libraries that open files themselves) and an open descriptor. */
export interface AtomicTemporaryFile {
  path: string;
  descriptor: number;
}

/**
 * Writes a file so that readers see either the old content or the new, never a mix: `fill` writes
 * a temporary file in the same folder (through `descriptor`, or by opening `path` itself), which is
 * then renamed over the target. Content is streamed, never gathered in memory here. Model files are
 * not fsynced, as TensorFlow's checkpoint writer and Keras (h5py, zipfile) do not: the rename keeps
 * the save atomic for readers and against a crashed or killed process, and waiting for 100 MB to
 * reach the disk would double a save's time. (Nor is a small file fsynced: on ext4 that waits for
 * every file written before it, such as the checkpoint a `checkpoint` state file points to.)
 *
 * @example
 * await writeFileAtomicWith("model.keras", ({ descriptor }) => writeSync(descriptor, header));
 */
export async function writeFileAtomicWith(path: string, fill: (temporary: AtomicTemporaryFile) => void | Promise<void>): Promise<void> {
  const temporaryPath = temporaryPathFor(path);
  const descriptor = openSync(temporaryPath, "w");
  try {
    await fill({ path: temporaryPath, descriptor });
  } catch (error) {
    closeSync(descriptor);
    rmSync(temporaryPath, { force: true });
    throw error;
  }
  closeSync(descriptor);
  renameSync(temporaryPath, path);
}

/**
 * Writes a file so that readers see either the old content or the new, never a mix: the data goes
 * to a temporary file in the same folder, then is renamed over the target (not fsynced; see
 * {@link writeFileAtomicWith}).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = temporaryPathFor(path);
  const descriptor = openSync(temporary, "w");
  try {
    writeAll(descriptor, typeof data === "string" ? Buffer.from(data, "utf8") : data);
  } catch (error) {
    closeSync(descriptor);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(descriptor);
  renameSync(temporary, path);
}

/** Writes all of `bytes` at the descriptor's current position (a single write may be partial). */
export function writeAll(descriptor: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(descriptor, bytes, offset, bytes.length - offset);
}

function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
}
