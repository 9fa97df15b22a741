import { tmpdir } from "node:os";
import type { Sanitizer } from "./sanitizers.js";

export interface NormalizeOptions {
  /** Significant digits floats are compared to; 0 ignores float values altogether. */
  floatDigits: number;
  /** The user's regex → replacement pairs, applied after the built-in rules. */
  sanitizers: Sanitizer[];
}

export const defaultNormalizeOptions: NormalizeOptions = { floatDigits: 5, sanitizers: [] };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const temporaryRoots = [...new Set([tmpdir(), "/tmp", "/var/tmp", "/var/folders"])].map(escapeRegExp);
const temporaryPath = new RegExp(`(?:${temporaryRoots.join("|")})/[^\\s/'"\`<>,)]+`, "g");
const isoDate = /\b\d{4}-\d{2}-\d{2}(?:[T@ ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g;
const jsDate =
  /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4}(?: \([^)]*\))?/g;
const clockTime = /\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g;
const uuid = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const address = /\b0x[0-9a-f]{6,}\b/gi;
// A duration: a number with a unit, as Keras's progress lines, %time and timers print them.
const duration = /[-+]?\b\d+(?:\.\d+)?(?:e[-+]?\d+)?\s?(?:ns|µs|\u00b5s|us|ms|s|sec|seconds|min|h)\b(?:\/(?:step|epoch|sample))?/g;
const eta = /\bETA:\s*\S+/g;
const float = /[-+]?(?:\b\d+\.\d*|\B\.\d+)(?:e[-+]?\d+)?\b|[-+]?\b\d+e[-+]?\d+\b/gi;

/** What a terminal shows for text with carriage returns: each line's last rewrite. */
function resolveCarriageReturns(text: string): string {
  return text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => {
      const parts = line.split("\r");
      return parts[parts.length - 1]!;
    })
    .join("\n");
}

function roundFloat(literal: string, digits: number): string {
  if (digits === 0) return "<float>";
  const value = Number(literal);
  if (!Number.isFinite(value)) return literal;
  return String(Number(value.toPrecision(digits)));
}

/**
 * Replaces what legitimately varies between runs of the same notebook with stable placeholders:
 * ANSI colours, progress-bar redraws, dates and clock times, durations, temporary paths, memory
 * addresses, UUIDs (plot element ids), trailing spaces, and float digits beyond `floatDigits`.
 */
export function normalizeText(text: string, options: NormalizeOptions = defaultNormalizeOptions): string {
  let result = resolveCarriageReturns(text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ""))
    .replace(temporaryPath, "<tmp>")
    .replace(jsDate, "<date>")
    .replace(isoDate, "<date>")
    .replace(clockTime, "<time>")
    .replace(uuid, "<uuid>")
    .replace(address, "<address>")
    .replace(eta, "ETA: <time>")
    .replace(duration, "<time>")
    .replace(float, (literal) => roundFloat(literal, options.floatDigits))
    .replace(/[ \t]+$/gm, "");
  for (const sanitizer of options.sanitizers) result = result.replace(sanitizer.pattern, sanitizer.replacement);
  return result;
}
