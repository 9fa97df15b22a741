// History (what fit returns) and PlotCallback (live curves): the callbacks training itself uses.
import { Callback, type Logs } from "./callback.js";
import { currentDisplaySink } from "../../display/sink.js";
import { HistoryPlot, LiveHistoryPlot } from "../../display/renderers/training-displays.js";

/**
 * What `fit` returns (Python `keras.callbacks.History`): `history.history.loss[epoch]` etc. as plain numbers.
 */
export class History {
  readonly history: Record<string, number[]> = {};
  readonly epoch: number[] = [];
  /** The hyper-parameters of the run (`epochs`, `steps`, `verbose`). */
  params: Record<string, number> = {};
  record(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
  /**
   * Loss and metric curves (validation series dashed) as a plotly figure; display it or make it a cell's last value.
   * @example
   * const history = await model.fit(x, y, { epochs: 5, validationSplit: 0.2 });
   * history.plot();
   */
  plot(options: { title?: string } = {}): HistoryPlot {
    return new HistoryPlot(this.history, options.title);
  }
}

/**
 * Draws the loss and metric curves while `fit` runs, redrawing one plot in place after every epoch
 * (`fit(x, y, { plot: true })` adds one). Outside a notebook it does nothing.
 * @example
 * await model.fit(x, y, { epochs: 10, validationSplit: 0.2, callbacks: [new keras.callbacks.PlotCallback()] });
 */
export class PlotCallback extends Callback {
  private live: LiveHistoryPlot | undefined;
  constructor(private readonly options: { title?: string } = {}) {
    super();
  }
  override onTrainBegin(_logs: Logs): void {
    this.live = currentDisplaySink() ? new LiveHistoryPlot(this.options.title) : undefined;
  }
  override async onEpochEnd(_epoch: number, logs: Logs): Promise<void> {
    await this.live?.addEpoch(logs);
  }
}
