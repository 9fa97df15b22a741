import type { MimeBundle } from "../sink.js";
import { axisTicks, renderSvgChart, type ChartFigure, type ChartTrace } from "./svg-chart.js";

export type HistoryValues = Record<string, number[]>;

export interface PlotlyTrace {
  type: "scatter";
  mode: "lines+markers";
  name: string;
  x: number[];
  y: number[];
  xaxis: string;
  yaxis: string;
  line: { dash: "solid" | "dash"; color: string };
}

const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

/** Loss and metric curves, one panel per metric with its validation series dashed beside it. */
export function historyFigure(history: HistoryValues, title = "Training history") {
  const metrics = Object.keys(history).filter((name) => !name.startsWith("val_"));
  const data: PlotlyTrace[] = [];
  metrics.forEach((metric, index) => {
    const axis = index === 0 ? "" : String(index + 1);
    for (const name of [metric, `val_${metric}`]) {
      const values = history[name];
      if (!values) continue;
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name,
        x: values.map((_, epoch) => epoch + 1),
        y: values,
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        line: { dash: name.startsWith("val_") ? "dash" : "solid", color: palette[index % palette.length]! },
      });
    }
  });
  const epochs = Math.max(1, ...Object.values(history).map((values) => values.length));
  // Whole-epoch ticks (plotly would put some at 1.5 and 2.5): the step our SVG uses too.
  const [firstTick, secondTick] = axisTicks(1, epochs, true).ticks;
  const epochStep = secondTick === undefined ? 1 : secondTick - firstTick!;
  const layout: Record<string, unknown> = {
    title: { text: title },
    grid: { rows: 1, columns: Math.max(1, metrics.length), pattern: "independent" },
    height: 320,
    margin: { t: 50, l: 50, r: 20, b: 40 },
    // Transparent, so a dark editor theme shows through instead of a white box.
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
  };
  metrics.forEach((metric, index) => {
    const suffix = index === 0 ? "" : String(index + 1);
    layout[`xaxis${suffix}`] = { title: { text: "epoch" }, tickmode: "linear", tick0: firstTick, dtick: epochStep };
    layout[`yaxis${suffix}`] = { title: { text: metric } };
  });
  return { data, layout };
}

/**
 * A figure for every frontend, with nothing loaded at view time (see README, "Charts"):
 * - `text/html`: the figure drawn as inline SVG whose text and axes take the page's colours, so it
 *   follows JupyterLab's theme; Lab, Notebook 7, classic Notebook and nbconvert's HTML pick it.
 * - `image/svg+xml`: the same drawing as a standalone image for GitHub, nbviewer and exports with
 *   HTML stripped.
 * - `application/vnd.plotly.v1+json`: the figure data, which VS Code draws interactively.
 * Each output carries all it needs (a few KB), so none depends on another having run first.
 */
export function renderFigure(figure: { data: PlotlyTrace[] | ChartTrace[]; layout: Record<string, unknown> }): MimeBundle {
  const title = (figure.layout.title as { text?: string } | undefined)?.text ?? "plot";
  const chart = figure as ChartFigure;
  return {
    "application/vnd.plotly.v1+json": figure,
    "text/html": `<div class="tskeras-plot" style="color:var(--jp-content-font-color1, inherit)">${renderSvgChart(chart, "themed")}</div>`,
    "image/svg+xml": renderSvgChart(chart, "static"),
    "text/plain": `<${title}: ${figure.data.length} traces>`,
  };
}
