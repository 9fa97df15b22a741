import { AsyncLocalStorage } from "node:async_hooks";

/** The cell a piece of work was started by: timers, promises and callbacks inherit it. */
export interface CellOrigin {
  executionCount: number;
  label: string; // "In[3]"
}

/** Thrown by `process.exit()` called from a cell: shown like Python's SystemExit, the kernel stays. */
export class SystemExit extends Error {
  override name = "SystemExit";
  constructor(readonly code: number | string | null | undefined) {
    super(
      `process.exit(${code ?? ""}) was called from a cell; the kernel keeps running and keeps its variables. ` +
        "To stop the kernel use Kernel > Shut Down (or Restart); to end a cell early, throw an error or return.",
    );
  }
}

/**
 * Everything a cell starts runs inside `cellOrigins.run(origin, …)`, so an error that surfaces later
 * (a timer's callback, a promise nobody awaited) can be traced back to the cell that started it.
 */
export const cellOrigins = new AsyncLocalStorage<CellOrigin>();

export type FaultKind = "uncaught exception" | "unhandled rejection";

let installed: { report: (error: unknown, kind: FaultKind, origin: CellOrigin | undefined) => void } | undefined;

/**
 * Keeps the process alive through what cells do to it, like ipykernel does:
 * - an exception thrown in a callback, or a promise rejected with nobody awaiting it, is reported
 *   (to `report`, with the cell that started the work) instead of ending the process;
 * - `process.exit()` called from cell code (directly or from a callback a cell started) throws a
 *   {@link SystemExit} into that code instead; the kernel's own exit paths still exit.
 * Installed once per process; a later call replaces where reports go.
 */
export function installFaultHandlers(report: (error: unknown, kind: FaultKind, origin: CellOrigin | undefined) => void): void {
  const first = installed === undefined;
  installed = { report };
  if (!first) return;
  process.on("uncaughtException", (error) => installed!.report(error, "uncaught exception", cellOrigins.getStore()));
  process.on("unhandledRejection", (reason) => installed!.report(reason, "unhandled rejection", cellOrigins.getStore()));
  const exit = process.exit;
  process.exit = function guardedExit(code?: number | string | null): never {
    // Cell code runs inside a cell origin; a cell frame on the stack covers code that escaped it.
    if (cellOrigins.getStore() !== undefined || /tskeras-cell-\d+\.js/.test(new Error().stack ?? "")) throw new SystemExit(code);
    return exit.call(process, code as number | undefined);
  } as typeof process.exit;
}
