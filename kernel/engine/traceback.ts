import { SourceMap } from "node:module";
import type { CellDiagnostic } from "./cell-compiler.js";

/** What a cell's script needs to map V8 stack positions back to the cell's text. */
export interface CellSource {
  label: string; // "In[3]"
  code: string;
  /** The source map's JSON; parsed on the first traceback that needs it (most cells never fail). */
  sourceMapText: string | undefined;
  sourceMap?: SourceMap;
  firstLineOffset: number;
}

const red = "\u001b[0;31m";
const green = "\u001b[0;32m";
const reset = "\u001b[0m";

export function scriptFileName(id: number): string {
  return `tskeras-cell-${id}.js`;
}

/** Maps a position in the wrapped script (1-based line/column, as V8 prints) to the cell's text. */
function mapPosition(source: CellSource, line: number, column: number): { line: number; column: number } | undefined {
  if (!source.sourceMapText) return undefined;
  source.sourceMap ??= new SourceMap(JSON.parse(source.sourceMapText));
  const generatedColumn = line === 1 ? column - 1 - source.firstLineOffset : column - 1;
  if (generatedColumn < 0) return undefined;
  const entry = source.sourceMap.findEntry(line - 1, generatedColumn) as { originalLine?: number; originalColumn?: number };
  if (entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
  return { line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

/**
 * Turns an error thrown by cell code into Jupyter's ename/evalue/traceback, with stack frames in
 * cell coordinates (`Cell In[3], line 2, col 5`) and the kernel's own frames removed.
 */
export function runtimeErrorReport(error: unknown, cells: ReadonlyMap<number, CellSource>): { ename: string; evalue: string; traceback: string[] } {
  if (!(error instanceof Error)) {
    const text = typeof error === "string" ? error : (JSON.stringify(error) ?? String(error));
    return { ename: "Uncaught", evalue: text, traceback: [`${red}Uncaught${reset}: ${text}`] };
  }
  const ename = error.name || error.constructor?.name || "Error";
  const evalue = error.message;
  const frames: string[] = [];
  let excerpt: string | undefined;
  const framePattern = /tskeras-cell-(\d+)\.js:(\d+):(\d+)/;
  for (const line of (error.stack ?? "").split("\n").slice(1)) {
    if (!line.trim().startsWith("at ")) continue;
    const match = framePattern.exec(line);
    if (match) {
      const source = cells.get(Number(match[1]));
      const position = source && mapPosition(source, Number(match[2]), Number(match[3]));
      if (source && position) {
        const where = `${green}Cell ${source.label}, line ${position.line}, col ${position.column}${reset}`;
        frames.push(line.replace(/\(?[^\s(]*tskeras-cell-\d+\.js:\d+:\d+\)?/, where).replace(/at (async )?<anonymous> /, "at "));
        if (!excerpt) {
          const text = source.code.split("\n")[position.line - 1] ?? "";
          excerpt = `${String(position.line).padStart(4)} | ${text}\n       ${" ".repeat(position.column - 1)}^`;
        }
      }
      continue;
    }
    if (line.includes("node:internal") || line.includes("/dist/kernel/")) continue;
    frames.push(line);
  }
  const traceback = [`${red}${ename}${reset}: ${evalue}`];
  if (excerpt) traceback.push(excerpt);
  traceback.push(...frames.slice(0, 20));
  return { ename, evalue, traceback };
}

/** Type errors stop the cell before it runs; each is shown with its line:col and the code line. */
export function compileErrorReport(label: string, diagnostics: CellDiagnostic[]): { ename: string; evalue: string; traceback: string[] } {
  const lines = diagnostics.map((d) => `${d.line}:${d.column} - ${d.message} (TS${d.code})`);
  const traceback = [
    `${red}TypeScript error${diagnostics.length > 1 ? "s" : ""}${reset} in cell ${label} (the cell did not run; %typecheck off runs it anyway):`,
  ];
  for (const d of diagnostics) {
    traceback.push(
      `${green}line ${d.line}:${d.column}${reset} - ${d.message} ${red}TS${d.code}${reset}\n${String(d.line).padStart(4)} | ${d.sourceLine}\n       ${" ".repeat(Math.max(0, d.column - 1))}^`,
    );
  }
  return { ename: "TypeScriptError", evalue: lines.join("\n"), traceback };
}
