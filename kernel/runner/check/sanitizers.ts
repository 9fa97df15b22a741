import { readFileSync } from "node:fs";

export interface Sanitizer {
  pattern: RegExp;
  replacement: string;
}

/**
 * Reads a sanitizers file: pairs of `regex:` and `replace:` lines, the format of nbval's
 * `--sanitize-with` files, so an existing one works as it is. `[section]` headers, blank lines and
 * lines starting with `#` or `;` are ignored. Patterns are JavaScript regular expressions applied
 * to every line of the normalized output (multiline mode, all matches).
 */
export function parseSanitizers(text: string, source = "sanitizers"): Sanitizer[] {
  const sanitizers: Sanitizer[] = [];
  let pending: { pattern: RegExp; line: number } | undefined;
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    const line = rawLine.trim();
    const lineNumber = index + 1;
    if (line === "" || line.startsWith("#") || line.startsWith(";") || /^\[.*\]$/.test(line)) continue;
    const match = /^(regex|replace)\s*[:=]\s?(.*)$/.exec(line);
    if (!match) throw new Error(`${source}:${lineNumber}: expected "regex: PATTERN" or "replace: TEXT", got "${line}"`);
    const [, key, value] = match as unknown as [string, "regex" | "replace", string];
    if (key === "regex") {
      if (pending) throw new Error(`${source}:${pending.line}: "regex:" has no "replace:" line after it`);
      try {
        pending = { pattern: new RegExp(value, "gm"), line: lineNumber };
      } catch (error) {
        throw new Error(`${source}:${lineNumber}: invalid regular expression ${JSON.stringify(value)}: ${(error as Error).message}`);
      }
    } else {
      if (!pending) throw new Error(`${source}:${lineNumber}: "replace:" without a "regex:" line before it`);
      sanitizers.push({ pattern: pending.pattern, replacement: value });
      pending = undefined;
    }
  }
  if (pending) throw new Error(`${source}:${pending.line}: "regex:" has no "replace:" line after it`);
  return sanitizers;
}

export function readSanitizers(path: string): Sanitizer[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read the sanitizers file ${path}: ${(error as Error).message}`);
  }
  return parseSanitizers(text, path);
}
