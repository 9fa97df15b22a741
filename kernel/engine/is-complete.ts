import ts from "typescript";
import type { IsCompleteOutcome } from "./types.js";

/**
 * Whether a cell is ready to run (for consoles deciding between "run" and "new line"). Code whose
 * only syntax errors sit at its very end, expecting more input, is incomplete; other syntax errors
 * make it invalid.
 */
export function checkIsComplete(code: string): IsCompleteOutcome {
  if (code.trim() === "") return { status: "complete" };
  if (/^\s*[%!]/.test(code) || /\?\s*$/.test(code)) return { status: "complete" }; // magics, help
  const source = ts.createSourceFile("cell.mts", code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const diagnostics = (source as unknown as { parseDiagnostics: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  if (diagnostics.length === 0) return { status: "complete" };
  const end = code.trimEnd().length;
  const unterminated = [1002, 1160, 1010]; // unterminated string, template literal, comment
  const atEnd = diagnostics.every(
    (diagnostic) => diagnostic.start >= end || unterminated.includes(diagnostic.code) || diagnostic.start + (diagnostic.length ?? 0) >= end,
  );
  if (atEnd) {
    const lastLine = code.split("\n").pop() ?? "";
    const indent = /^\s*/.exec(lastLine)![0];
    return { status: "incomplete", indent: /[{([]\s*$/.test(code) ? `${indent}  ` : indent };
  }
  return { status: "invalid" };
}
