import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fsyncDirectory } from "./atomic-file.js";

/**
 * Writes a directory (a SavedModel) so that readers see the old one or the new one, never a mix:
 * `fill` writes into a temporary sibling, every file is fsynced, then the old directory is moved
 * aside and the new one renamed into place. A crash before the swap leaves the old save untouched.
 */
export async function writeDirectoryAtomic(directory: string, fill: (temporary: string) => void | Promise<void>): Promise<void> {
  const target = resolve(directory);
  const stamp = `${process.pid}-${Date.now()}`;
  const temporary = join(dirname(target), `.${basename(target)}.tmp-${stamp}`);
  mkdirSync(temporary, { recursive: true });
  try {
    await fill(temporary);
    fsyncTree(temporary);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  const previous = existsSync(target) ? join(dirname(target), `.${basename(target)}.old-${stamp}`) : undefined;
  if (previous) renameSync(target, previous);
  renameSync(temporary, target);
  fsyncDirectory(dirname(target));
  if (previous) rmSync(previous, { recursive: true, force: true });
}

/** fsyncs every file and folder below `directory`, so the rename publishes data that is on disk. */
function fsyncTree(directory: string): void {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      fsyncTree(path);
      continue;
    }
    const descriptor = openSync(path, "r");
    try {
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
  }
  fsyncDirectory(directory);
}
