import type { MimeBundle } from "../sink.js";
import { cellStyle, escapeHtml, formatCount, headerStyle, tableStyle, theme } from "./html.js";

export interface SummaryRow {
  /** Layer name. */
  name: string;
  /** Layer class, e.g. "Dense". */
  type: string;
  /** e.g. "(None, 512)". */
  outputShape: string;
  params: number;
  /** Functional models: the inbound layers, e.g. ["dense[0][0]"]. */
  connectedTo?: string[];
  /** A nested model's own summary, shown expandable. */
  nested?: ModelSummaryData;
}

export interface ModelSummaryData {
  name: string;
  className: string;
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** When compiled with state: the optimizer's class and how many values it holds. */
  optimizer?: { className: string; variables: number; params: number };
  /** The Keras text layout, as `model.summary()` prints it. */
  text: string;
}

function renderTable(summary: ModelSummaryData): string {
  const functional = summary.rows.some((row) => row.connectedTo !== undefined);
  const headers = ["Layer (type)", "Output Shape", "Param #", ...(functional ? ["Connected to"] : [])];
  const head = `<tr>${headers.map((header) => `<th style="${headerStyle}">${header}</th>`).join("")}</tr>`;
  const rows = summary.rows
    .map((row) => {
      const nameCell = row.nested
        ? `<details><summary>${escapeHtml(row.name)} (${escapeHtml(row.type)})</summary>${renderTable(row.nested)}</details>`
        : `${escapeHtml(row.name)} (${escapeHtml(row.type)})`;
      const cells = [nameCell, escapeHtml(row.outputShape), formatCount(row.params), ...(functional ? [escapeHtml((row.connectedTo ?? []).join(", "))] : [])];
      return `<tr>${cells.map((cell, index) => `<td style="${cellStyle}${index === 2 ? ";text-align:right" : ""}">${cell}</td>`).join("")}</tr>`;
    })
    .join("");
  return `<table style="${tableStyle}">${head}${rows}</table>`;
}

/** A model's summary: Keras's text as text/plain, an HTML table with totals (nested models expandable). */
export function renderModelSummary(summary: ModelSummaryData): MimeBundle {
  const totals = [
    `Total params: ${formatCount(summary.totalParams)}`,
    `Trainable params: ${formatCount(summary.trainableParams)}`,
    `Non-trainable params: ${formatCount(summary.nonTrainableParams)}`,
    ...(summary.optimizer
      ? [`Optimizer: ${summary.optimizer.className}, ${formatCount(summary.optimizer.variables)} variables, ${formatCount(summary.optimizer.params)} values`]
      : []),
  ];
  const html = `<div class="tskeras-model-summary" style="color:${theme.text}"><div><b>Model: "${escapeHtml(summary.name)}"</b> <span style="color:${theme.mutedText}">(${escapeHtml(summary.className)})</span></div>${renderTable(summary)}<div style="font-family:monospace;font-size:12px">${totals.map(escapeHtml).join("<br>")}</div></div>`;
  return { "text/plain": summary.text, "text/html": html };
}
