import { escapeHtml } from "./html.js";

/** The part of a plotly figure this renderer draws: line/marker traces on a grid of independent axes. */
export interface ChartTrace {
  name: string;
  x: number[];
  y: number[];
  xaxis?: string;
  yaxis?: string;
  line?: { dash?: string; color?: string };
}

export interface ChartFigure {
  data: ChartTrace[];
  layout: Record<string, unknown>;
}

/**
 * Colours of the drawing. `themed` follows the notebook page (inline SVG inside HTML): text and
 * axes take the output's text colour, so Lab's dark theme gets light text on its own background.
 * `static` is for an SVG shown as an image (GitHub, nbviewer, Lab's image renderer), where the
 * page's colours do not reach: mid-grey text readable on white and on dark pages, no background.
 */
type Palette = { text: string; axis: string; grid: string; gridOpacity: number };
const palettes: Record<"themed" | "static", Palette> = {
  themed: { text: "currentColor", axis: "currentColor", grid: "currentColor", gridOpacity: 0.15 },
  static: { text: "#6e7781", axis: "#8c959f", grid: "#8c959f", gridOpacity: 0.3 },
};

const width = 760;
const titleHeight = 30;
const legendHeight = 22;
const margin = { left: 58, right: 14, top: titleHeight + legendHeight + 8, bottom: 42 };
const panelGap = 56;

/** 1, 2 or 5 times a power of ten, the smallest such step giving at most `count` intervals. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= raw) return factor * power;
  return 10 * power;
}

/** Ticks covering [low, high]; `integers` keeps steps whole (epochs are counted, never 1.5). */
export function axisTicks(low: number, high: number, integers: boolean, count = 5): { ticks: number[]; low: number; high: number } {
  if (!Number.isFinite(low) || !Number.isFinite(high)) return { ticks: [0, 1], low: 0, high: 1 };
  if (low === high) {
    const pad = integers ? 1 : Math.abs(low) * 0.1 || 1;
    low -= pad;
    high += pad;
  }
  let step = niceStep(high - low, count);
  if (integers) step = Math.max(1, Math.round(step));
  const first = Math.ceil(low / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let tick = first; tick <= high + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return { ticks, low, high };
}

function tickLabel(value: number): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(1).replace("e+", "e");
  return String(Number(value.toPrecision(4)));
}

const round = (value: number) => Math.round(value * 10) / 10;

function axisTitle(layout: Record<string, unknown>, axis: string): string {
  const title = (layout[axis] as { title?: { text?: string } } | undefined)?.title?.text;
  return typeof title === "string" ? title : "";
}

/**
 * Draws a figure as a self-contained SVG: one panel per x axis ("x", "x2"…), integer ticks on
 * axes whose values are all whole numbers, dashed lines where the trace says so, a shared legend.
 * No script, no fonts or files fetched: it renders the same in a notebook, an export or on GitHub.
 */
export function renderSvgChart(figure: ChartFigure, variant: "themed" | "static"): string {
  const colours = palettes[variant];
  const layout = figure.layout;
  const height = Number(layout.height ?? 320);
  const title = (layout.title as { text?: string } | undefined)?.text ?? "";
  const panelIds = [...new Set(figure.data.map((trace) => trace.xaxis ?? "x"))];
  if (panelIds.length === 0) panelIds.push("x");
  const panelWidth = (width - margin.left - margin.right - panelGap * (panelIds.length - 1)) / panelIds.length;
  const plotHeight = height - margin.top - margin.bottom;
  const parts: string[] = [];
  const font = `font-family="sans-serif" fill="${colours.text}"`;
  if (title) parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" ${font}>${escapeHtml(title)}</text>`);

  panelIds.forEach((panelId, panelIndex) => {
    const traces = figure.data.filter((trace) => (trace.xaxis ?? "x") === panelId);
    const suffix = panelId.slice(1);
    const xs = traces.flatMap((trace) => trace.x).filter(Number.isFinite);
    const ys = traces.flatMap((trace) => trace.y).filter(Number.isFinite);
    const xAxis = axisTicks(Math.min(...xs), Math.max(...xs), xs.every(Number.isInteger));
    const yAxis = axisTicks(Math.min(...ys), Math.max(...ys), false);
    const yLow = Math.min(yAxis.low, yAxis.ticks[0]!);
    const yHigh = Math.max(yAxis.high, yAxis.ticks[yAxis.ticks.length - 1]!);
    const left = margin.left + panelIndex * (panelWidth + panelGap);
    // A little room either side so the first and last markers are not cut by the axis.
    const xPad = (xAxis.high - xAxis.low) * 0.04 || 0.5;
    const toX = (value: number) => round(left + ((value - xAxis.low + xPad) / (xAxis.high - xAxis.low + 2 * xPad)) * panelWidth);
    const toY = (value: number) => round(margin.top + plotHeight - ((value - yLow) / (yHigh - yLow || 1)) * plotHeight);
    const bottom = margin.top + plotHeight;
    const panel: string[] = [`<g class="panel">`];
    for (const tick of yAxis.ticks) {
      const y = toY(tick);
      panel.push(
        `<line x1="${round(left)}" x2="${round(left + panelWidth)}" y1="${y}" y2="${y}" stroke="${colours.grid}" stroke-opacity="${colours.gridOpacity}"/>`,
      );
      panel.push(`<text x="${round(left - 6)}" y="${y + 4}" text-anchor="end" font-size="11" ${font}>${tickLabel(tick)}</text>`);
    }
    for (const tick of xAxis.ticks) {
      const x = toX(tick);
      panel.push(`<line x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 4}" stroke="${colours.axis}"/>`);
      panel.push(`<text x="${x}" y="${bottom + 16}" text-anchor="middle" font-size="11" ${font}>${tickLabel(tick)}</text>`);
    }
    panel.push(`<line x1="${round(left)}" x2="${round(left + panelWidth)}" y1="${bottom}" y2="${bottom}" stroke="${colours.axis}"/>`);
    panel.push(`<line x1="${round(left)}" x2="${round(left)}" y1="${margin.top}" y2="${bottom}" stroke="${colours.axis}"/>`);
    const xTitle = axisTitle(layout, `xaxis${suffix}`);
    const yTitle = axisTitle(layout, `yaxis${suffix}`);
    if (xTitle)
      panel.push(`<text x="${round(left + panelWidth / 2)}" y="${bottom + 34}" text-anchor="middle" font-size="12" ${font}>${escapeHtml(xTitle)}</text>`);
    if (yTitle)
      panel.push(
        `<text transform="translate(${round(left - 44)} ${round(margin.top + plotHeight / 2)}) rotate(-90)" text-anchor="middle" font-size="12" ${font}>${escapeHtml(yTitle)}</text>`,
      );
    for (const trace of traces) {
      const colour = trace.line?.color ?? "#1f77b4";
      const points = trace.x.map((x, index) => [x, trace.y[index]!] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
      const dash = trace.line?.dash === "dash" ? ` stroke-dasharray="6 4"` : "";
      panel.push(`<g class="trace" data-name="${escapeHtml(trace.name)}"><title>${escapeHtml(trace.name)}</title>`);
      if (points.length > 1)
        panel.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${points.map(([x, y]) => `${toX(x)},${toY(y)}`).join(" ")}"/>`);
      // Markers only while they stay apart; a long run is clearer as a plain line.
      if (points.length <= 60) for (const [x, y] of points) panel.push(`<circle cx="${toX(x)}" cy="${toY(y)}" r="3" fill="${colour}"/>`);
      panel.push(`</g>`);
    }
    panel.push(`</g>`);
    parts.push(panel.join(""));
  });

  // The legend: one sample line per trace, in a row under the title.
  let legendX = margin.left;
  const legendY = titleHeight + 12;
  for (const trace of figure.data) {
    const colour = trace.line?.color ?? "#1f77b4";
    const dash = trace.line?.dash === "dash" ? ` stroke-dasharray="6 4"` : "";
    parts.push(`<line x1="${legendX}" x2="${legendX + 22}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2"${dash}/>`);
    parts.push(`<text class="legend" x="${legendX + 27}" y="${legendY + 4}" font-size="12" ${font}>${escapeHtml(trace.name)}</text>`);
    legendX += 40 + trace.name.length * 7;
  }

  const label = escapeHtml(title || "plot");
  return `<svg xmlns="http://www.w3.org/2000/svg" class="tskeras-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}" style="max-width:100%;height:auto">${parts.join("")}</svg>`;
}
