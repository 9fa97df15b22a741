import type { MimeBundle } from "../sink.js";
import { escapeHtml, theme } from "./html.js";

function renderValue(value: unknown, key: string | undefined, depth: number): string {
  const label = key === undefined ? "" : `<span style="color:${theme.key}">${escapeHtml(key)}</span>: `;
  if (value === null || typeof value !== "object") {
    const text = typeof value === "string" ? `"${value}"` : String(value);
    return `<div style="margin-left:16px">${label}<span style="color:${typeof value === "string" ? theme.string : theme.number}">${escapeHtml(text)}</span></div>`;
  }
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  const brackets = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  const summary = `${label}${brackets[0]}${entries.length} ${Array.isArray(value) ? "items" : "keys"}${brackets[1]}`;
  const body = entries.map(([childKey, child]) => renderValue(child, childKey, depth + 1)).join("");
  return `<details ${depth < 2 ? "open" : ""} style="margin-left:${depth ? 16 : 0}px"><summary style="font-family:monospace">${summary}</summary>${body}</details>`;
}

/**
 * A configuration (Keras JSON): an HTML tree of `<details>` and indented JSON as text (itself
 * machine-readable). No `application/json`: JupyterLab ranks its raw JSON viewer above HTML, and
 * `display.json(config)` still shows that viewer when wanted.
 */
export function renderConfig(config: unknown): MimeBundle {
  return {
    "text/plain": JSON.stringify(config, null, 2),
    "text/html": `<div class="tskeras-config" style="font-family:monospace;font-size:12px;color:${theme.text}">${renderValue(config, undefined, 0)}</div>`,
  };
}
