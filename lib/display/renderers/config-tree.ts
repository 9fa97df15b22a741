import type { MimeBundle } from "../sink.js";
import { escapeHtml } from "./html.js";

function renderValue(value: unknown, key: string | undefined, depth: number): string {
  const label = key === undefined ? "" : `<span style="color:#0550ae">${escapeHtml(key)}</span>: `;
  if (value === null || typeof value !== "object") {
    const text = typeof value === "string" ? `"${value}"` : String(value);
    return `<div style="margin-left:16px">${label}<span style="color:${typeof value === "string" ? "#0a3069" : "#953800"}">${escapeHtml(text)}</span></div>`;
  }
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  const brackets = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  const summary = `${label}${brackets[0]}${entries.length} ${Array.isArray(value) ? "items" : "keys"}${brackets[1]}`;
  const body = entries.map(([childKey, child]) => renderValue(child, childKey, depth + 1)).join("");
  return `<details ${depth < 2 ? "open" : ""} style="margin-left:${depth ? 16 : 0}px"><summary style="font-family:monospace">${summary}</summary>${body}</details>`;
}

/**
 * A configuration (Keras JSON): `application/json` for JupyterLab's collapsible viewer, an HTML
 * tree of `<details>` elsewhere, and indented JSON as text.
 */
export function renderConfig(config: unknown): MimeBundle {
  return {
    "text/plain": JSON.stringify(config, null, 2),
    "text/html": `<div class="tskeras-config" style="font-family:monospace;font-size:12px">${renderValue(config, undefined, 0)}</div>`,
    "application/json": config,
  };
}
