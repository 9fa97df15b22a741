import { existsSync, readFileSync, statSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { packageRoot } from "../../lib/util/package-root.js";
import { collectGarbage } from "./garbage-collector.js";

const ownModules: Record<string, string> = {
  tskeras: join(packageRoot, "dist/lib/index.js"),
  // Notebooks written for tslab keep working: its display API is ours.
  tslab: join(packageRoot, "dist/kernel/engine/tslab-compat.js"),
};

const conditions = ["node", "import", "module-sync", "default"];

type ExportsField = string | null | ExportsField[] | { [key: string]: ExportsField };

function matchConditions(target: ExportsField): string | undefined {
  if (typeof target === "string") return target;
  if (target === null) return undefined;
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = matchConditions(item);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, value] of Object.entries(target)) {
    if (conditions.includes(key)) {
      const found = matchConditions(value);
      if (found) return found;
    }
  }
  return undefined;
}

/** Resolves a subpath (".", "./node", …) through a package.json `exports` field, patterns included. */
function resolveExports(exportsField: ExportsField, subpath: string): string | undefined {
  const isSubpathMap =
    typeof exportsField === "object" && exportsField !== null && !Array.isArray(exportsField) && Object.keys(exportsField).some((key) => key.startsWith("."));
  if (!isSubpathMap) return subpath === "." ? matchConditions(exportsField) : undefined;
  const map = exportsField as Record<string, ExportsField>;
  if (subpath in map) return matchConditions(map[subpath]!);
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const before = key.slice(0, star);
    const after = key.slice(star + 1);
    if (subpath.startsWith(before) && subpath.endsWith(after) && subpath.length >= key.length - 1) {
      const replacement = subpath.slice(before.length, subpath.length - after.length);
      return matchConditions(value)?.replaceAll("*", replacement);
    }
  }
  return undefined;
}

function splitPackageSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split("/");
  const count = specifier.startsWith("@") ? 2 : 1;
  const name = parts.slice(0, count).join("/");
  const rest = parts.slice(count).join("/");
  return { name, subpath: rest ? `./${rest}` : "." };
}

function resolveFile(path: string): string | undefined {
  const candidates = [path, `${path}.js`, `${path}.mjs`, `${path}.cjs`, `${path}.json`, join(path, "index.js"), join(path, "index.mjs")];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

function resolveInPackage(packageDirectory: string, subpath: string): string | undefined {
  const manifestPath = join(packageDirectory, "package.json");
  const manifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>) : {};
  if (manifest.exports !== undefined) {
    const target = resolveExports(manifest.exports as ExportsField, subpath);
    return target ? join(packageDirectory, target) : undefined;
  }
  if (subpath !== ".") return resolveFile(join(packageDirectory, subpath));
  const entry = (manifest.module as string | undefined) ?? (manifest.main as string | undefined) ?? "index.js";
  return resolveFile(join(packageDirectory, entry));
}

function findPackage(name: string, fromDirectory: string): string | undefined {
  let directory = fromDirectory;
  for (;;) {
    const candidate = join(directory, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/**
 * Where a cell's `import … from specifier` comes from. Packages resolve from the notebook's
 * directory upward, then from tskeras's own dependencies (so `@tensorflow/tfjs-core` works anywhere);
 * `tskeras` and `tslab` are always ours.
 */
export function resolveCellImport(specifier: string, workingDirectory: string): string {
  if (specifier in ownModules) return pathToFileURL(ownModules[specifier]!).href;
  if (specifier.startsWith("node:") || isBuiltin(specifier)) return specifier;
  if (specifier.startsWith("file:")) return specifier;
  if (specifier.startsWith(".") || isAbsolute(specifier)) {
    const path = resolveFile(resolve(workingDirectory, specifier));
    if (!path)
      throw new Error(`Cannot find module '${specifier}' from ${workingDirectory}. Check the path; relative imports start at the notebook's directory.`);
    return pathToFileURL(path).href;
  }
  const { name, subpath } = splitPackageSpecifier(specifier);
  for (const start of [workingDirectory, packageRoot]) {
    const packageDirectory = findPackage(name, start);
    if (!packageDirectory) continue;
    const path = resolveInPackage(packageDirectory, subpath);
    if (path) return pathToFileURL(path).href;
    throw new Error(
      `Package '${name}' (in ${packageDirectory}) does not export '${subpath}' for import. Check the package's documentation for its entry points.`,
    );
  }
  throw new Error(`Cannot find package '${name}' from ${workingDirectory}. Install it next to the notebook: npm install ${name}`);
}

let collectTensors: (() => void) | undefined;

/** Between cells: lets unreachable tensors be freed (once a cell has loaded tskeras or tfjs). */
export function afterCell(): void {
  collectTensors?.();
}

export async function importCellModule(specifier: string, workingDirectory: string): Promise<unknown> {
  const module = await import(resolveCellImport(specifier, workingDirectory));
  // In a notebook, tensors nothing can reach are freed, as in Python (see free-unreachable-tensors.ts).
  if (specifier === "tskeras" || specifier.startsWith("@tensorflow/")) {
    const { freeUnreachableTensors, collectUnreachableTensorsIfGrown } = await import("../../lib/tf/free-unreachable-tensors.js");
    freeUnreachableTensors();
    collectTensors = () => collectUnreachableTensorsIfGrown(collectGarbage);
  }
  return module;
}
