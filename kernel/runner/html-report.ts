import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { marked } from "marked";
import { joinSource, type Notebook, type Output } from "./notebook-format.js";

const ansiPattern = /\u001b\[[0-9;]*m/g;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function text(value: unknown): string {
  return Array.isArray(value) ? value.join("") : typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

const plotlyMime = "application/vnd.plotly.v1+json";

/** plotly.js from the installed package, safe to inline in a <script> element. */
function plotlyLibrary(): string {
  const source = readFileSync(createRequire(import.meta.url).resolve("plotly.js-dist-min"), "utf8");
  return source.replace(/<\/script/gi, "<\\/script");
}

/**
 * A plotly figure drawn from its JSON. The kernel's own HTML fallback is not reused: it embeds
 * plotly.js only in the first figure of a session, which may have been cleared or updated away.
 */
function renderPlotly(figure: unknown, index: number): string {
  const elementId = `plot-${index}`;
  const layout = (figure as { layout?: { height?: unknown } }).layout ?? {};
  const height = Number(layout.height ?? 360) || 360;
  const json = JSON.stringify(figure).replace(/<\//g, "<\\/");
  return `<div id="${elementId}" class="plotly-figure" style="height:${height}px"></div><script>(function () { var figure = ${json}; Plotly.newPlot(${JSON.stringify(elementId)}, figure.data, figure.layout); })();</script>`;
}

/** The richest form of a bundle a static page can show, in the order Jupyter prefers. */
function renderBundle(data: Record<string, unknown>, plotIndex: () => number): string {
  if (data[plotlyMime] !== undefined) return renderPlotly(data[plotlyMime], plotIndex());
  if (data["text/html"] !== undefined) return `<div class="html">${text(data["text/html"])}</div>`;
  if (data["image/svg+xml"] !== undefined) return `<div class="svg">${text(data["image/svg+xml"])}</div>`;
  for (const mime of ["image/png", "image/jpeg", "image/gif"]) {
    if (data[mime] !== undefined) return `<img src="data:${mime};base64,${text(data[mime]).replace(/\s/g, "")}" alt="">`;
  }
  if (data["text/markdown"] !== undefined) return `<div class="markdown">${marked.parse(text(data["text/markdown"]), { async: false })}</div>`;
  if (data["application/json"] !== undefined) return `<pre class="json">${escapeHtml(JSON.stringify(data["application/json"], null, 2))}</pre>`;
  if (data["text/plain"] !== undefined) return `<pre>${escapeHtml(text(data["text/plain"]).replace(ansiPattern, ""))}</pre>`;
  return "";
}

function renderOutput(output: Output, plotIndex: () => number): string {
  switch (output.output_type) {
    case "stream":
      return `<pre class="stream ${output.name}">${escapeHtml(text(output.text))}</pre>`;
    case "error":
      return `<pre class="error">${escapeHtml(output.traceback.join("\n").replace(ansiPattern, ""))}</pre>`;
    default:
      return renderBundle(output.data, plotIndex);
  }
}

const style = `
body { font-family: system-ui, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #1f2328; }
.cell { margin: 1em 0; }
.source { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: .6em .8em; overflow-x: auto; }
.prompt { color: #57606a; font: 12px monospace; }
.outputs pre { margin: .3em 0; padding: .3em .8em; overflow-x: auto; }
.stderr { background: #fff8f0; } .error { background: #ffebe9; }
table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: 2px 8px; }
`;

/**
 * A self-contained HTML page of an executed notebook: no network, no external CSS or scripts;
 * plotly.js is inlined once in the page when a cell shows a plotly figure.
 */
export function notebookToHtml(notebook: Notebook, title: string): string {
  let plots = 0;
  const plotIndex = () => plots++;
  const cells = notebook.cells.map((cell) => {
    const source = joinSource(cell.source);
    if (cell.cell_type !== "code") {
      return cell.cell_type === "markdown"
        ? `<div class="cell markdown">${marked.parse(source, { async: false })}</div>`
        : `<div class="cell raw"><pre>${escapeHtml(source)}</pre></div>`;
    }
    const count = cell.execution_count ?? " ";
    const outputs = cell.outputs.map((output) => renderOutput(output, plotIndex)).join("\n");
    return `<div class="cell code"><div class="prompt">In [${count}]:</div><pre class="source">${escapeHtml(source)}</pre><div class="outputs">${outputs}</div></div>`;
  });
  const library = plots > 0 ? `<script>${plotlyLibrary()}</script>` : "";
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${style}</style>${library}</head>\n<body>\n${cells.join("\n")}\n</body></html>\n`;
}
