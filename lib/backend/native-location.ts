import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where `tskeras backend install` puts the native TensorFlow backend it builds: a folder of tskeras's
 * own (`<tskeras>/native/cpu` or `/gpu`, or `$TSKERAS_NATIVE_DIR/cpu|gpu`), outside node_modules, so
 * `npm ci` / `npm install` neither wipe it nor try to download libtensorflow. Packages tskeras already
 * has (tfjs-core, -layers, …) are not duplicated there: Node's resolution walks up into tskeras's own.
 */
export type NativeFlavor = "cpu" | "gpu";

export const nativePackages: Record<NativeFlavor, string> = {
  cpu: "@tensorflow/tfjs-node",
  gpu: "@tensorflow/tfjs-node-gpu",
};

/** The tfjs-node release whose N-API binding is built; it must match tskeras's tfjs-core. */
export const nativePackageVersion = "4.22.0";

/** What a successful install records next to the build (read back by selection and `tskeras backend`). */
export interface NativeBuildRecord {
  flavor: NativeFlavor;
  package: string;
  packageVersion: string;
  tensorflowVersion: string;
  /** The Python or wheel the libraries came from, and where they are (symlinked or extracted). */
  source: string;
  libraryDirectory: string;
  builtAt: string;
}

const packageRoot = fileURLToPath(new URL("../../../", import.meta.url));
const recordName = "tskeras-native.json";

export function nativeRoot(): string {
  return process.env.TSKERAS_NATIVE_DIR || join(packageRoot, "native");
}

export function nativeBackendDirectory(flavor: NativeFlavor): string {
  return join(nativeRoot(), flavor);
}

export function nativeRecordPath(flavor: NativeFlavor): string {
  return join(nativeBackendDirectory(flavor), recordName);
}

export function readNativeBuildRecord(flavor: NativeFlavor): NativeBuildRecord | undefined {
  const path = nativeRecordPath(flavor);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as NativeBuildRecord;
  } catch {
    return undefined;
  }
}

/**
 * The entry file of an installed native backend: one a user installed beside tskeras with npm
 * (`npm install @tensorflow/tfjs-node`), else one `tskeras backend install` built. GPU first.
 */
export function findNativeBackend(): { flavor: NativeFlavor; entry: string; record?: NativeBuildRecord } | undefined {
  for (const flavor of ["gpu", "cpu"] as const) {
    const name = nativePackages[flavor];
    try {
      return { flavor, entry: createRequire(join(packageRoot, "package.json")).resolve(name) };
    } catch {
      // not installed beside tskeras
    }
    // A tskeras-built folder counts only once its build finished (the record is written last).
    const record = readNativeBuildRecord(flavor);
    if (!record) continue;
    try {
      return { flavor, entry: createRequire(join(nativeBackendDirectory(flavor), "package.json")).resolve(name), record };
    } catch {
      // removed by hand
    }
  }
  return undefined;
}
