/**
 * The seam between the Jupyter protocol (kernel/protocol, kernel/kernel.ts) and the language
 * (kernel/engine). Like ipykernel's do_execute/do_complete split: the kernel owns the wire,
 * busy/idle, parent headers and the execution queue; the engine owns TypeScript. The headless
 * notebook runner drives the same engine without sockets.
 */

/** A Jupyter mime bundle: mime type → data (strings, or JSON values for JSON mime types). */
export type MimeBundle = Record<string, unknown>;

/** Where a running cell's side outputs go. The kernel publishes them on iopub; the runner stores them. */
export interface OutputSink {
  stream(name: "stdout" | "stderr", text: string): void;
  displayData(data: MimeBundle, metadata: Record<string, unknown>, transient: { display_id?: string }, update: boolean): void;
  clearOutput(wait: boolean): void;
  /**
   * Where a report of an error no cell could catch goes (a callback threw, a promise rejected with
   * nothing awaiting it): `originExecutionCount` is the cell that started the work. Without this
   * method the report is written to stderr (the running cell's).
   */
  faultOutput?(text: string, originExecutionCount: number | undefined): void;
  /** Blocks until the frontend answers an input_request; throws when the frontend does not allow stdin. */
  input(prompt: string, password: boolean): string;
}

export type ExecuteOutcome =
  | { status: "ok"; result: MimeBundle | undefined; payload: unknown[] }
  | { status: "error"; ename: string; evalue: string; traceback: string[] };

export interface CompleteOutcome {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  metadata: Record<string, unknown>;
}

export interface InspectOutcome {
  found: boolean;
  data: MimeBundle;
}

export type IsCompleteOutcome = { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" } | { status: "unknown" };

export interface LanguageEngine {
  /** Runs one cell. Errors in user code come back as an "error" outcome, never as a rejection. */
  execute(code: string, options: { silent: boolean; storeHistory: boolean; executionCount: number }): Promise<ExecuteOutcome>;
  complete(code: string, cursorPos: number): Promise<CompleteOutcome>;
  inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectOutcome>;
  isComplete(code: string): IsCompleteOutcome;
  /** Stops the running cell (a pending await rejects with a KeyboardInterrupt error); state is kept. */
  interrupt(): void;
  /** Starts loading heavy parts (the TypeScript compiler) in the background; safe to call more than once. */
  warmUp(): void;
}
