import { createRequire } from "node:module";
import type ts from "typescript";
import type { IsCompleteOutcome } from "./types.js";

// Loaded on first use (synchronously, as is_complete is a quick question): importing the compiler
// up front would slow down the kernel's start.
const require = createRequire(import.meta.url);
let typescript: typeof ts | undefined;

const closerOf: Record<string, string> = { "{": "}", "(": ")", "[": "]", "${": "}" };

/**
 * Whether every closing bracket closes the bracket opened last. A closer with nothing (or the wrong
 * thing) open can never be fixed by typing more, so the cell is invalid. Strings, template literals,
 * comments and regular expressions are skipped by the TypeScript scanner.
 */
function closersBalance(t: typeof ts, code: string): boolean {
  const scanner = t.createScanner(t.ScriptTarget.ES2022, false, t.LanguageVariant.Standard, code);
  const open: string[] = [];
  const K = t.SyntaxKind;
  // After these a `/` starts a regular expression, not a division.
  const valueEnds = new Set<ts.SyntaxKind>([
    K.Identifier,
    K.NumericLiteral,
    K.BigIntLiteral,
    K.StringLiteral,
    K.CloseParenToken,
    K.CloseBracketToken,
    K.CloseBraceToken,
    K.NoSubstitutionTemplateLiteral,
    K.TemplateTail,
    K.RegularExpressionLiteral,
    K.ThisKeyword,
    K.SuperKeyword,
    K.TrueKeyword,
    K.FalseKeyword,
    K.NullKeyword,
    K.PlusPlusToken,
    K.MinusMinusToken,
  ]);
  let previous: ts.SyntaxKind = K.Unknown;
  for (let token = scanner.scan(); token !== K.EndOfFileToken; token = scanner.scan()) {
    if ((token === K.SlashToken || token === K.SlashEqualsToken) && !valueEnds.has(previous)) token = scanner.reScanSlashToken();
    if (token === K.OpenBraceToken || token === K.OpenParenToken || token === K.OpenBracketToken) open.push(scanner.getTokenText());
    else if (token === K.TemplateHead) open.push("${");
    else if (token === K.CloseParenToken || token === K.CloseBracketToken || token === K.CloseBraceToken) {
      const opener = open.pop();
      if (opener === undefined || closerOf[opener] !== scanner.getTokenText()) return false;
      if (opener === "${") {
        token = scanner.reScanTemplateToken(false);
        if (token === K.TemplateMiddle) open.push("${");
      }
    }
    if (token !== K.WhitespaceTrivia && token !== K.NewLineTrivia && token !== K.SingleLineCommentTrivia && token !== K.MultiLineCommentTrivia)
      previous = token;
  }
  return true;
}

/**
 * Whether a cell is ready to run (for consoles deciding between "run" and "new line"):
 * `invalid` when no amount of further typing can make it parse (a closer with no opener, a syntax
 * error before its end), `incomplete` when it stops inside a block, call, string or comment, and
 * `complete` otherwise.
 */
export function checkIsComplete(code: string): IsCompleteOutcome {
  if (code.trim() === "") return { status: "complete" };
  if (/^\s*[%!]/.test(code) || /\?\s*$/.test(code)) return { status: "complete" }; // magics, help
  typescript ??= require("typescript") as typeof ts;
  if (!closersBalance(typescript, code)) return { status: "invalid" };
  const source = typescript.createSourceFile("cell.mts", code, typescript.ScriptTarget.ES2022, false, typescript.ScriptKind.TS);
  const diagnostics = (source as unknown as { parseDiagnostics: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  if (diagnostics.length === 0) return { status: "complete" };
  const end = code.trimEnd().length;
  const lastLineStart = code.trimEnd().lastIndexOf("\n") + 1;
  // An unterminated template literal or comment runs to the end; a quoted string ends at its line,
  // so only one on the last line can still be closed.
  const stillOpen = (diagnostic: ts.DiagnosticWithLocation) =>
    diagnostic.code === 1160 || diagnostic.code === 1010 || (diagnostic.code === 1002 && diagnostic.start >= lastLineStart);
  const atEnd = diagnostics.every(
    (diagnostic) => diagnostic.start >= end || stillOpen(diagnostic) || (diagnostic.code !== 1002 && diagnostic.start + (diagnostic.length ?? 0) >= end),
  );
  if (atEnd) {
    const lastLine = code.split("\n").pop() ?? "";
    const indent = /^\s*/.exec(lastLine)![0];
    return { status: "incomplete", indent: /[{([]\s*$/.test(code) ? `${indent}  ` : indent };
  }
  return { status: "invalid" };
}
