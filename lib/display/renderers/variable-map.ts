import type { MimeBundle } from "../sink.js";
import { cellStyle, escapeHtml, formatBytes, formatCount, headerStyle, tableStyle, theme } from "./html.js";

export interface VariableEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Stored size; estimated from dtype and shape when absent. */
  bytes?: number;
}

export interface VariableMap {
  /** What was read: a file path or checkpoint prefix. */
  source: string;
  format: string;
  producer?: string;
  variables: VariableEntry[];
}

const dtypeSizes: Record<string, number> = {
  float16: 2,
  bfloat16: 2,
  float32: 4,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  bool: 1,
  complex64: 8,
  complex128: 16,
};

function byteSize(entry: VariableEntry): number | undefined {
  if (entry.bytes !== undefined) return entry.bytes;
  const size = dtypeSizes[entry.dtype];
  return size === undefined ? undefined : size * entry.shape.reduce((product, dimension) => product * dimension, 1);
}

/** Splits a checkpoint key into the object path, the slot (for optimizer slots) and the attribute. */
export function describeKey(name: string): { path: string[]; slot?: string; attribute?: string } {
  const slotMatch = /^(.*)\/\.OPTIMIZER_SLOT\/(.*)\/([^/]+)\/\.ATTRIBUTES\/(.+)$/.exec(name);
  if (slotMatch) return { path: slotMatch[1]!.split("/"), slot: `${slotMatch[2]}/${slotMatch[3]}`, attribute: slotMatch[4] };
  const attributeMatch = /^(.*)\/\.ATTRIBUTES\/(.+)$/.exec(name);
  if (attributeMatch) return { path: attributeMatch[1]!.split("/"), attribute: attributeMatch[2] };
  return { path: name.split("/") };
}

interface TreeNode {
  children: Map<string, TreeNode>;
  entries: Array<VariableEntry & { slot?: string; attribute?: string }>;
}

function buildTree(variables: VariableEntry[]): TreeNode {
  const root: TreeNode = { children: new Map(), entries: [] };
  for (const variable of variables) {
    const { path, slot, attribute } = describeKey(variable.name);
    // The leaf's own segment stays on the entry so the tree shows its name.
    let node = root;
    for (const segment of path.slice(0, -1)) {
      if (!node.children.has(segment)) node.children.set(segment, { children: new Map(), entries: [] });
      node = node.children.get(segment)!;
    }
    node.entries.push({ ...variable, slot, attribute });
  }
  return root;
}

function shapeText(shape: number[]): string {
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}

function renderNode(node: TreeNode, label: string | undefined, depth: number): string {
  const rows = node.entries
    .map((entry) => {
      const leaf = describeKey(entry.name).path.slice(-1)[0]!;
      const kind = entry.slot ? `<span style="color:${theme.accent}">slot ${escapeHtml(entry.slot)}</span>` : escapeHtml(entry.attribute ?? "");
      const size = byteSize(entry);
      return `<tr><td style="${cellStyle}" title="${escapeHtml(entry.name)}">${escapeHtml(leaf)}</td><td style="${cellStyle}">${kind}</td><td style="${cellStyle}">${escapeHtml(entry.dtype)}</td><td style="${cellStyle}">${shapeText(entry.shape)}</td><td style="${cellStyle}">${size === undefined ? "" : formatBytes(size)}</td></tr>`;
    })
    .join("");
  const table = rows
    ? `<table style="${tableStyle}"><tr><th style="${headerStyle}">variable</th><th style="${headerStyle}">kind</th><th style="${headerStyle}">dtype</th><th style="${headerStyle}">shape</th><th style="${headerStyle}">size</th></tr>${rows}</table>`
    : "";
  const children = [...node.children.entries()].map(([name, child]) => renderNode(child, name, depth + 1)).join("");
  if (label === undefined) return table + children;
  const count = countEntries(node);
  return `<details ${depth <= 2 ? "open" : ""} style="margin-left:${depth > 1 ? 16 : 0}px"><summary><code>${escapeHtml(label)}</code> <span style="color:${theme.mutedText}">(${count} variable${count === 1 ? "" : "s"})</span></summary>${table}${children}</details>`;
}

function countEntries(node: TreeNode): number {
  return node.entries.length + [...node.children.values()].reduce((sum, child) => sum + countEntries(child), 0);
}

/** The variable list as plain data (sorted by name), for output metadata or `display.json`. */
export function variableMapJson(map: VariableMap) {
  const variables = [...map.variables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    source: map.source,
    format: map.format,
    producer: map.producer ?? null,
    variables: variables.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
  };
}

/**
 * The variables of a saved model or checkpoint: a text table and an HTML tree grouped by object
 * path (optimizer slots marked). The list as data is {@link variableMapJson}; it is not a mime
 * type of the bundle, where JupyterLab would rank its JSON viewer above the tree.
 */
export function renderVariableMap(map: VariableMap): MimeBundle {
  const variables = [...map.variables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const totalBytes = variables.reduce((sum, entry) => sum + (byteSize(entry) ?? 0), 0);
  const summary = `${formatCount(variables.length)} variables, ${formatBytes(totalBytes)}`;
  const header = `${map.source}: ${map.format}${map.producer ? ` (written by ${map.producer})` : ""}, ${summary}`;
  const nameWidth = Math.max(4, ...variables.map((entry) => entry.name.length));
  const dtypeWidth = Math.max(5, ...variables.map((entry) => entry.dtype.length));
  const lines = variables.map((entry) => `${entry.name.padEnd(nameWidth)}  ${entry.dtype.padEnd(dtypeWidth)}  ${shapeText(entry.shape)}`);
  const text = [header, `${"name".padEnd(nameWidth)}  ${"dtype".padEnd(dtypeWidth)}  shape`, ...lines].join("\n");
  const html = `<div class="tskeras-variable-map" style="color:${theme.text}"><div><b>${escapeHtml(map.source)}</b>: ${escapeHtml(map.format)}${map.producer ? ` (written by ${escapeHtml(map.producer)})` : ""}, ${escapeHtml(summary)}</div>${renderNode(buildTree(variables), undefined, 0)}</div>`;
  return {
    "text/plain": text,
    "text/html": html,
  };
}
