import { magicRegistry } from "../../lib/magics/registry.js";

/** How a cell is run once its `%`/`%%`/`!` syntax is recognized. */
export type PreprocessedCell =
  | { kind: "cell-magic"; name: string; line: string; body: string }
  /** Only magic/shell lines (and blank or comment lines): run one after another, no TypeScript involved. */
  | { kind: "magic-lines"; lines: Array<{ name: string; line: string }> }
  /** TypeScript, with any magic lines turned into `await __tskeras.magic(...)` calls on the same line. */
  | { kind: "code"; code: string };

const shellName = "!";
const magicLine = /^(\s*)(?:%(?!%)([A-Za-z_][\w-]*)(?:[ \t]+(.*))?|!(.*))$/;
const assignedShell = /^(\s*(?:(?:const|let|var)\s+)?[A-Za-z_$][\w$]*\s*=\s*)!(.*)$/;

function parseMagicLine(text: string): { indent: string; name: string; line: string } | undefined {
  const match = magicLine.exec(text);
  if (!match) return undefined;
  if (match[4] !== undefined) return { indent: match[1]!, name: shellName, line: match[4].trim() };
  return { indent: match[1]!, name: match[2]!, line: (match[3] ?? "").trim() };
}

/**
 * Recognizes IPython's escapes in a cell: `%%name line` on the first line makes the whole cell a
 * cell magic; `%name args` and `!cmd` lines are line magics; `x = !cmd` captures a command's output.
 * Line magics inside TypeScript keep their line, so type errors and tracebacks keep their numbers.
 * @param isExpression tells whether text parses as a single TypeScript expression (for `%time expr`)
 */
export function preprocessCell(code: string, isExpression: (text: string) => boolean): PreprocessedCell {
  const lines = code.split("\n");
  const first = lines.findIndex((line) => line.trim() !== "");
  const cellMagic = first >= 0 ? /^\s*%%([A-Za-z_][\w-]*)(?:[ \t]+(.*))?$/.exec(lines[first]!) : null;
  if (cellMagic) return { kind: "cell-magic", name: cellMagic[1]!, line: (cellMagic[2] ?? "").trim(), body: lines.slice(first + 1).join("\n") };

  const registry = magicRegistry();
  const parsed = lines.map(parseMagicLine);
  if (!parsed.some(Boolean) && !lines.some((line) => assignedShell.test(line))) return { kind: "code", code };

  const onlyMagics = lines.every((line, index) => {
    if (line.trim() === "" || line.trim().startsWith("//")) return true;
    const magic = parsed[index];
    return magic !== undefined && !(registry.get(magic.name)?.takesCode ?? false);
  });
  if (onlyMagics) {
    return { kind: "magic-lines", lines: parsed.flatMap((magic) => (magic ? [{ name: magic.name, line: magic.line }] : [])) };
  }

  const rewritten = lines.map((text, index) => {
    const assigned = assignedShell.exec(text);
    if (assigned) return `${assigned[1]}await __tskeras.magic(${JSON.stringify(shellName)}, ${JSON.stringify(assigned[2]!.trim())}, undefined, true);`;
    const magic = parsed[index];
    if (!magic) return text;
    const call = `__tskeras.magic(${JSON.stringify(magic.name)}, ${JSON.stringify(magic.line)}`;
    if (registry.get(magic.name)?.takesCode && magic.line) {
      // Leading options (`%timeit -n 3 -r 2 code`) are the magic's; the rest is the code it runs.
      const code = magic.line.replace(/^(?:-[A-Za-z]+\s*\d*\s+)*/, "");
      const thunk = isExpression(code) ? `async () => (${code})` : `async () => { ${code} }`;
      return `${magic.indent}await ${call}, ${thunk});`;
    }
    return `${magic.indent}await ${call});`;
  });
  return { kind: "code", code: rewritten.join("\n") };
}
