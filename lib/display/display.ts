import { randomUUID } from "node:crypto";
import { formatValue } from "./format.js";
import { currentDisplaySink, type MimeBundle } from "./sink.js";

export interface DisplayOptions {
  /** Treat the argument as a ready mime bundle instead of a value to format. */
  raw?: boolean;
  /** Names this output so a later call with `update: true` replaces it in place. */
  displayId?: string;
  update?: boolean;
  metadata?: Record<string, unknown>;
}

function publish(bundle: MimeBundle, options: DisplayOptions): void {
  const sink = currentDisplaySink();
  const transient = options.displayId === undefined ? {} : { display_id: options.displayId };
  if (sink) {
    sink.displayData(bundle, options.metadata ?? {}, transient, options.update === true);
    return;
  }
  // Outside a notebook: the text form is the best we can do.
  const text = bundle["text/plain"];
  console.log(typeof text === "string" ? text : JSON.stringify(bundle));
}

function encodeBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function displayImplementation(value: unknown, options: DisplayOptions = {}): Promise<void> {
  if (options.raw) {
    publish(value as MimeBundle, options);
    return Promise.resolve();
  }
  const pending = formatValue(value).then((bundle) => publish(bundle, options));
  // Remembered so the cell does not finish (and report idle) before its displays are out.
  pendingDisplays.add(pending);
  void pending.finally(() => pendingDisplays.delete(pending)).catch(() => {});
  return pending;
}

const pendingDisplays = new Set<Promise<void>>();

/** Waits for displays still being formatted (async display hooks); the kernel calls it before a cell's reply. */
export async function settleDisplays(): Promise<void> {
  while (pendingDisplays.size > 0) await Promise.allSettled([...pendingDisplays]);
}

/** A display entry that can be replaced in place (like tslab's `newDisplay()` or IPython's `DisplayHandle`). */
export class DisplayHandle {
  readonly displayId: string;
  private shown = false;
  constructor(displayId: string = randomUUID()) {
    this.displayId = displayId;
  }
  /** Shows `value` the first time, then replaces what was shown. */
  display(value: unknown, options: Omit<DisplayOptions, "displayId" | "update"> = {}): Promise<void> {
    const update = this.shown;
    this.shown = true;
    return displayImplementation(value, { ...options, displayId: this.displayId, update });
  }
  update(value: unknown, options: Omit<DisplayOptions, "displayId" | "update"> = {}): Promise<void> {
    this.shown = true;
    return displayImplementation(value, { ...options, displayId: this.displayId, update: true });
  }
}

function bundleShortcut(mime: string, encode: (content: never) => unknown = (content) => content) {
  return (content: never, options: Omit<DisplayOptions, "raw"> = {}): void => {
    publish({ [mime]: encode(content) }, options);
  };
}

export interface Display {
  /**
   * Shows a value in the notebook as its richest form.
   * @example
   * display(model);                                   // the model's summary table
   * display({ "text/html": "<b>hi</b>" }, { raw: true }); // a ready mime bundle
   */
  (value: unknown, options?: DisplayOptions): Promise<void>;
  html(html: string, options?: Omit<DisplayOptions, "raw">): void;
  markdown(markdown: string, options?: Omit<DisplayOptions, "raw">): void;
  svg(svg: string, options?: Omit<DisplayOptions, "raw">): void;
  text(text: string, options?: Omit<DisplayOptions, "raw">): void;
  latex(latex: string, options?: Omit<DisplayOptions, "raw">): void;
  javascript(code: string, options?: Omit<DisplayOptions, "raw">): void;
  json(value: unknown, options?: Omit<DisplayOptions, "raw">): void;
  png(bytes: Uint8Array, options?: Omit<DisplayOptions, "raw">): void;
  jpeg(bytes: Uint8Array, options?: Omit<DisplayOptions, "raw">): void;
  gif(bytes: Uint8Array, options?: Omit<DisplayOptions, "raw">): void;
  pdf(bytes: Uint8Array, options?: Omit<DisplayOptions, "raw">): void;
  /** A handle whose later `display`/`update` calls replace its output in place. */
  handle(displayId?: string): DisplayHandle;
}

export const display: Display = Object.assign(displayImplementation, {
  html: bundleShortcut("text/html"),
  markdown: bundleShortcut("text/markdown"),
  svg: bundleShortcut("image/svg+xml"),
  text: bundleShortcut("text/plain"),
  latex: bundleShortcut("text/latex"),
  javascript: bundleShortcut("application/javascript"),
  json: bundleShortcut("application/json"),
  png: bundleShortcut("image/png", encodeBytes),
  jpeg: bundleShortcut("image/jpeg", encodeBytes),
  gif: bundleShortcut("image/gif", encodeBytes),
  pdf: bundleShortcut("application/pdf", encodeBytes),
  handle: (displayId?: string) => new DisplayHandle(displayId),
}) as Display;

/** Clears the cell's output; with `wait: true` the clearing happens when the next output arrives. */
export function clearOutput(options: { wait?: boolean } = {}): void {
  const sink = currentDisplaySink();
  if (sink) sink.clearOutput(options.wait === true);
}
