import { createRequire } from "node:module";
import type ts from "typescript";
import type { IsCompleteOutcome } from "./types.js";

// Loaded on first use (synchronously, as is_complete is a quick question): importing the compiler
// up front would slow down the kernel's start.
const require = createRequire(import.meta.url);
let typescript: typeof ts | undefined;

/**
 * Whether a cell is ready to run (for consoles deciding between "run" and "new line"). Code whose
 * only syntax errors sit at its very end, expecting more input, is incomplete; other syntax errors
 * make it invalid.
 */
export function checkIsComplete(code: string): IsCompleteOutcome {
  if (code.trim() === "") return { status: "complete" };
  if (/^\s*[%!]/.test(code) || /\?\s*$/.test(code)) return { status: "complete" }; // magics, help
  typescript ??= require("typescript") as typeof ts;
  const source = typescript.createSourceFile("cell.mts", code, typescript.ScriptTarget.ES2022, false, typescript.ScriptKind.TS);
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
