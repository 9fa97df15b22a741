/**
 * How library code reaches the notebook without importing the kernel: the kernel (or the headless
 * runner) puts a {@link DisplaySink} on `globalThis` under a registered symbol, and `display()`
 * finds it there. Outside a notebook there is no sink and `display()` prints text instead.
 */
export type MimeBundle = Record<string, unknown>;

export interface DisplaySink {
  displayData(data: MimeBundle, metadata: Record<string, unknown>, transient: { display_id?: string }, update: boolean): void;
  clearOutput(wait: boolean): void;
}

/** Deno's display hook: an object with this method renders as the mime bundle it returns. */
export const jupyterDisplaySymbol: unique symbol = Symbol.for("Jupyter.display") as never;

const sinkSymbol = Symbol.for("tskeras.displaySink");

export function installDisplaySink(sink: DisplaySink | undefined): void {
  (globalThis as Record<symbol, unknown>)[sinkSymbol] = sink;
}

export function currentDisplaySink(): DisplaySink | undefined {
  return (globalThis as Record<symbol, unknown>)[sinkSymbol] as DisplaySink | undefined;
}
