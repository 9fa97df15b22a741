import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import type { MimeBundle } from "../sink.js";
import { escapeHtml } from "./html.js";

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
  const layout: Record<string, unknown> = {
    title: { text: title },
    grid: { rows: 1, columns: Math.max(1, metrics.length), pattern: "independent" },
    height: 320,
    margin: { t: 50, l: 50, r: 20, b: 40 },
  };
  metrics.forEach((metric, index) => {
    const suffix = index === 0 ? "" : String(index + 1);
    layout[`xaxis${suffix}`] = { title: { text: "epoch" } };
    layout[`yaxis${suffix}`] = { title: { text: metric } };
  });
  return { data, layout };
}

let plotlySource: string | undefined;
/** The displays that carry plotly.js itself; an update of one of them must carry it again. */
const displaysWithLibrary = new Set<string>();

function plotlyLibrary(): string {
  if (plotlySource === undefined) {
    const require = createRequire(import.meta.url);
    // `</script` inside the library would end the embedding element early.
    plotlySource = readFileSync(require.resolve("plotly.js-dist-min"), "utf8").replace(/<\/script/gi, "<\\/script");
  }
  return plotlySource;
}

/**
 * A figure as `application/vnd.plotly.v1+json` (JupyterLab, VS Code) plus an HTML fallback for
 * renderers without the plotly mime type (nbconvert's HTML export): the first fallback of a session
 * embeds plotly.js from the `plotly.js-dist-min` package; later ones wait for it. No network access.
 * @param displayId the display this figure is (or will be) shown in, so in-place updates keep the library
 */
export function renderPlotlyFigure(figure: { data: unknown[]; layout: Record<string, unknown> }, displayId?: string): MimeBundle {
  const elementId = `tskeras-plot-${randomUUID()}`;
  const embedLibrary = displaysWithLibrary.size === 0 || (displayId !== undefined && displaysWithLibrary.has(displayId));
  if (embedLibrary) displaysWithLibrary.add(displayId ?? elementId);
  const figureJson = JSON.stringify(figure).replace(/<\//g, "<\\/");
  const library = embedLibrary ? `<script type="text/javascript">if (!window.Plotly) {\n${plotlyLibrary()}\n}</script>` : "";
  const draw = `<script type="text/javascript">(function draw(attempt) { if (window.Plotly) { var figure = ${figureJson}; window.Plotly.newPlot(${JSON.stringify(elementId)}, figure.data, figure.layout); } else if (attempt < 200) { setTimeout(function () { draw(attempt + 1); }, 50); } })(0);</script>`;
  const title = (figure.layout.title as { text?: string } | undefined)?.text ?? "plot";
  return {
    "application/vnd.plotly.v1+json": figure,
    "text/html": `${library}<div id="${elementId}" class="tskeras-plot" style="height:${Number(figure.layout.height ?? 320)}px" title="${escapeHtml(title)}"></div>${draw}`,
    "text/plain": `<${title}: ${figure.data.length} traces>`,
  };
}

/** Forgets which displays carry plotly.js (a new notebook session starts without it). */
export function resetPlotlyEmbedding(): void {
  displaysWithLibrary.clear();
}
