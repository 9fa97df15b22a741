import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/**
 * Writes a directory (a SavedModel) so that readers see the old one or the new one, never a mix:
 * `fill` writes into a temporary sibling, then the old directory is moved aside and the new one
 * renamed into place. A crash before the swap leaves the old save untouched. Like model files
 * (see writeFileAtomicWith), the files are not fsynced, as TensorFlow does not fsync a SavedModel.
 */
export async function writeDirectoryAtomic(directory: string, fill: (temporary: string) => void | Promise<void>): Promise<void> {
  const target = resolve(directory);
  const stamp = `${process.pid}-${Date.now()}`;
  const temporary = join(dirname(target), `.${basename(target)}.tmp-${stamp}`);
  mkdirSync(temporary, { recursive: true });
  try {
    await fill(temporary);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  const previous = existsSync(target) ? join(dirname(target), `.${basename(target)}.old-${stamp}`) : undefined;
  if (previous) renameSync(target, previous);
  renameSync(temporary, target);
  if (previous) rmSync(previous, { recursive: true, force: true });
}
