// The import graph of lib/ and kernel/, read from the TypeScript sources: every static import/export-from
// and every literal dynamic import() (type-only imports count too: a type is a dependency of the design).
// The house plan (README, "Layers") gives each folder a rank; a file may import its own rank or lower.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/** The layers, bottom to top. A path belongs to the first entry whose prefix it starts with (longest first). */
export const layerPlan: ReadonlyArray<{ rank: number; name: string; prefixes: string[] }> = [
  { rank: 0, name: "util, io", prefixes: ["lib/util/", "lib/io/"] },
  { rank: 1, name: "display, backend", prefixes: ["lib/display/", "lib/backend/"] },
  { rank: 2, name: "formats (bytes <-> plain data)", prefixes: ["lib/formats/"] },
  { rank: 3, name: "tf runtime, datasets", prefixes: ["lib/tf/", "lib/datasets/"] },
  { rank: 4, name: "keras", prefixes: ["lib/keras/"] },
  { rank: 5, name: "inspect", prefixes: ["lib/inspect/"] },
  { rank: 6, name: "public facade (api, magics registry, index)", prefixes: ["lib/api/", "lib/magics/", "lib/index.ts"] },
  { rank: 7, name: "kernel protocol, magics", prefixes: ["kernel/protocol/", "kernel/magics/"] },
  { rank: 8, name: "kernel engine", prefixes: ["kernel/engine/"] },
  { rank: 9, name: "kernel, runner, cli", prefixes: ["kernel/"] },
];

export interface ImportEdge {
  from: string;
  to: string;
}

export interface ImportGraph {
  files: Map<string, number>; // path -> line count
  edges: ImportEdge[];
}

function sourceFiles(root: string, directory: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(join(root, directory)).sort()) {
    const path = join(directory, name);
    if (statSync(join(root, path)).isDirectory()) found.push(...sourceFiles(root, path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) found.push(path);
  }
  return found;
}

/** Reads the graph of `directories` (relative to `root`); edges leaving those directories are dropped. */
export function readImportGraph(root: string, directories: string[]): ImportGraph {
  const files = new Map<string, number>();
  const edges: ImportEdge[] = [];
  const paths = directories.flatMap((directory) => sourceFiles(root, directory));
  for (const path of paths) files.set(path, readFileSync(join(root, path), "utf8").split("\n").length);
  for (const path of paths) {
    const text = readFileSync(join(root, path), "utf8");
    const info = ts.preProcessFile(text, true, true);
    for (const reference of info.importedFiles) {
      const specifier = reference.fileName;
      if (!specifier.startsWith(".")) continue;
      const target = relative(root, resolve(root, dirname(path), specifier)).replace(/\.js$/, ".ts");
      if (files.has(target)) edges.push({ from: path, to: target });
    }
  }
  return { files, edges };
}

export function rankOf(path: string): { rank: number; name: string } {
  let best: { rank: number; name: string; length: number } | undefined;
  for (const layer of layerPlan) {
    for (const prefix of layer.prefixes) {
      const matches = prefix.endsWith("/") ? path.startsWith(prefix) : path === prefix;
      if (matches && (best === undefined || prefix.length > best.length)) best = { rank: layer.rank, name: layer.name, length: prefix.length };
    }
  }
  if (best === undefined) throw new Error(`${path} is in no layer of the house plan: add its folder to layerPlan`);
  return best;
}

/** Strongly connected sets of more than one file (Tarjan), i.e. the import cycles. */
export function cyclesOf(graph: ImportGraph): string[][] {
  const next = new Map<string, string[]>();
  for (const edge of graph.edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const sets: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) === index.get(node)) {
      const set: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        set.push(member);
      } while (member !== node);
      if (set.length > 1 || (next.get(node) ?? []).includes(node)) sets.push(set.sort());
    }
  };
  for (const node of graph.files.keys()) if (!index.has(node)) visit(node);
  return sets;
}

/** Edges from a file to a file of a higher rank. */
export function upwardEdges(graph: ImportGraph): ImportEdge[] {
  return graph.edges.filter((edge) => rankOf(edge.to).rank > rankOf(edge.from).rank);
}

/** One line per layer: rank, name, files, lines. */
export function layerSizes(graph: ImportGraph): string[] {
  return layerPlan.map((layer) => {
    const members = [...graph.files].filter(([path]) => rankOf(path).rank === layer.rank);
    const lines = members.reduce((sum, [, count]) => sum + count, 0);
    return `L${layer.rank} ${layer.name.padEnd(46)} ${String(members.length).padStart(4)} files ${String(lines).padStart(6)} lines`;
  });
}
