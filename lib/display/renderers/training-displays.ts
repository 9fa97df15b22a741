import { DisplayHandle } from "../display.js";
import { jupyterDisplaySymbol, type MimeBundle } from "../sink.js";
import { escapeHtml } from "./html.js";
import { historyFigure, renderFigure, type HistoryValues } from "./history-plot.js";

/** What `history.plot()` returns: renders as the loss/metric figure wherever it is displayed. */
export class HistoryPlot {
  constructor(
    readonly history: HistoryValues,
    readonly title = "Training history",
  ) {}
  /** The plotly figure (`data` traces and `layout`), e.g. to tweak before `display`ing it raw. */
  figure() {
    return historyFigure(this.history, this.title);
  }
  [jupyterDisplaySymbol](): MimeBundle {
    return renderFigure(this.figure());
  }
}

/**
 * One plot that redraws itself in place (through a display id) as epochs finish.
 * `PlotCallback` and `fit(..., { plot: true })` use it.
 */
export class LiveHistoryPlot {
  private readonly handle = new DisplayHandle();
  private readonly values: HistoryValues = {};
  constructor(private readonly title = "Training history") {}
  /** Appends one epoch's logs and redraws. */
  async addEpoch(logs: Record<string, number>): Promise<void> {
    for (const [key, value] of Object.entries(logs)) (this.values[key] ??= []).push(value);
    const bundle = renderFigure(historyFigure(this.values, this.title));
    await this.handle.display(bundle, { raw: true });
  }
}

/** An HTML progress bar updated in place, one per `fit` (the `progress: "html"` option). */
export class HtmlProgressBar {
  private readonly handle = new DisplayHandle();
  /** Redraws the bar: `done` of `total` steps of epoch `epoch` (1-based) of `epochs`. */
  async update(epoch: number, epochs: number, done: number, total: number, logs: Record<string, number>): Promise<void> {
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const metrics = Object.entries(logs)
      .map(([key, value]) => `${key}: ${value.toFixed(4)}`)
      .join(" - ");
    const label = `Epoch ${epoch}/${epochs} ${done}/${total}${metrics ? ` - ${metrics}` : ""}`;
    const html = `<div class="tskeras-progress" style="font-family:monospace;font-size:12px"><progress value="${done}" max="${total}" style="width:300px;vertical-align:middle"></progress> ${escapeHtml(label)}</div>`;
    const bar = `[${"=".repeat(Math.round(fraction * 30)).padEnd(30, ".")}]`;
    await this.handle.display({ "text/html": html, "text/plain": `${bar} ${label}` }, { raw: true });
  }
}
