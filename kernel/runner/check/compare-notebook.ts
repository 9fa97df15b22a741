import { joinSource, type Cell, type CodeCell, type ErrorOutput, type Notebook, type Output } from "../notebook-format.js";
import { cellMarkers } from "./cell-markers.js";
import { htmlStructure } from "./html-structure.js";
import { defaultNormalizeOptions, normalizeText, type NormalizeOptions } from "./normalize-outputs.js";
import { unifiedDiff } from "./unified-diff.js";

export interface CheckOptions extends NormalizeOptions {
  /** nbval's lax mode: compare only cells marked `nbval-check-output` (errors still fail). */
  lax: boolean;
}

export const defaultCheckOptions: CheckOptions = { ...defaultNormalizeOptions, lax: false };

export interface CellCheck {
  /** 1-based position among all the notebook's cells, as a reader counts them. */
  cellNumber: number;
  firstLine: string;
  status: "passed" | "failed" | "skipped";
  /** Why it failed or was skipped, in one line. */
  reason?: string;
  /** For a failure: a summary of rich outputs and a unified diff, expected vs got. */
  details: string[];
}

/** The tag papermill (and `tskeras run -p`) puts on the cell it injects; it has no committed twin. */
export const injectedParametersTag = "injected-parameters";

const isImage = (mime: string) => mime.startsWith("image/");
const isJson = (mime: string) => mime === "application/json" || mime.endsWith("+json");
const text = (value: unknown) => (Array.isArray(value) ? value.join("") : typeof value === "string" ? value : JSON.stringify(value));

function sortedJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedJson);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortedJson((value as Record<string, unknown>)[key])]),
    );
  return value;
}

/** One mime type's content as comparable lines. */
function mimeLines(mime: string, value: unknown, options: NormalizeOptions): string[] {
  if (isImage(mime)) return ["(image: not compared)"];
  if (mime === "text/html") return normalizeText(htmlStructure(text(value)), options).split("\n");
  if (isJson(mime)) {
    const parsed = typeof value === "string" ? safeParse(value) : value;
    return normalizeText(JSON.stringify(sortedJson(parsed), null, 1), options).split("\n");
  }
  return normalizeText(text(value), options).split("\n");
}

function safeParse(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

interface OutputBlock {
  label: string;
  parts: Array<{ mime: string; lines: string[] }>;
}

/** Consecutive stream outputs to the same stream are one text, however a frontend split them. */
function mergedStreams(outputs: Output[]): Output[] {
  const merged: Output[] = [];
  for (const output of outputs) {
    const last = merged[merged.length - 1];
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name)
      merged[merged.length - 1] = { ...last, text: text(last.text) + text(output.text) };
    else merged.push(output);
  }
  return merged;
}

function outputBlocks(outputs: Output[], options: NormalizeOptions): OutputBlock[] {
  return mergedStreams(outputs).map((output) => {
    switch (output.output_type) {
      case "stream":
        return { label: output.name, parts: [{ mime: output.name, lines: normalizeText(text(output.text), options).replace(/\n$/, "").split("\n") }] };
      case "error":
        return { label: "error", parts: [{ mime: "error", lines: normalizeText(`${output.ename}: ${output.evalue}`, options).split("\n") }] };
      default:
        return {
          label: output.output_type,
          parts: Object.keys(output.data)
            .sort()
            .map((mime) => ({ mime, lines: mimeLines(mime, output.data[mime], options) })),
        };
    }
  });
}

function blockLines(blocks: OutputBlock[]): string[] {
  const lines: string[] = [];
  for (const block of blocks)
    for (const part of block.parts) lines.push(`[${block.label === part.mime ? block.label : `${block.label} ${part.mime}`}]`, ...part.lines);
  return lines;
}

const describeBlocks = (blocks: OutputBlock[]) =>
  blocks
    .map((block) =>
      block.label === "display_data" || block.label === "execute_result" ? `${block.label} ${block.parts.map((part) => part.mime).join("+")}` : block.label,
    )
    .join(", ") || "nothing";

const maxDiffLines = 60;
const maxLineLength = 200;

/** The readable part of a failure: which outputs differ (rich ones summarized) and a unified diff. */
function differenceDetails(expected: OutputBlock[], actual: OutputBlock[]): string[] {
  const details: string[] = [];
  if (expected.length !== actual.length || expected.some((block, index) => block.label !== actual[index]!.label)) {
    details.push(`expected ${expected.length} output(s): ${describeBlocks(expected)}`, `got ${actual.length} output(s): ${describeBlocks(actual)}`);
  }
  expected.forEach((block, index) => {
    const other = actual[index];
    if (!other || other.label !== block.label) return;
    const mimes = new Set([...block.parts.map((part) => part.mime), ...other.parts.map((part) => part.mime)]);
    for (const mime of mimes) {
      const mine = block.parts.find((part) => part.mime === mime);
      const theirs = other.parts.find((part) => part.mime === mime);
      if (!mine) details.push(`output ${index + 1} (${block.label}): ${mime} is new`);
      else if (!theirs) details.push(`output ${index + 1} (${block.label}): ${mime} is missing`);
      else if (mine.lines.join("\n") !== theirs.lines.join("\n") && mime !== block.label && mime !== "text/plain") {
        const what = mime === "text/html" ? "tag structure or text differs" : isJson(mime) ? "JSON value differs" : "differs";
        details.push(`output ${index + 1} (${block.label}): ${mime} ${what}`);
      }
    }
  });
  const diff = unifiedDiff(blockLines(expected), blockLines(actual)).map((line) =>
    line.length > maxLineLength ? `${line.slice(0, maxLineLength)}… (${line.length} characters)` : line,
  );
  details.push(...diff.slice(0, maxDiffLines));
  if (diff.length > maxDiffLines) details.push(`… ${diff.length - maxDiffLines} more diff lines`);
  return details;
}

function firstLineOf(cell: Cell): string {
  // A marker comment (// NBVAL_SKIP) says nothing about the cell; the line after it does.
  const line =
    joinSource(cell.source)
      .split("\n")
      .find((candidate) => candidate.trim() !== "" && !/^\/\/\s*NBVAL_[A-Z_]+\s*$/.test(candidate.trim())) ?? "";
  return line.length > 70 ? `${line.slice(0, 67)}...` : line;
}

interface NumberedCell {
  cell: CodeCell;
  cellNumber: number;
}

function codeCells(notebook: Notebook): NumberedCell[] {
  return notebook.cells
    .map((cell, index) => ({ cell: cell as CodeCell, cellNumber: index + 1 }))
    .filter(({ cell }) => cell.cell_type === "code" && !(cell.metadata.tags ?? []).includes(injectedParametersTag));
}

/**
 * Compares a re-executed notebook with the committed one, cell by cell (code cells in order; a cell
 * tagged `injected-parameters` on either side is left out). Markers (nbval's tags or first-line
 * comments) decide per cell what is compared.
 */
export function compareNotebook(committed: Notebook, executed: Notebook, options: CheckOptions = defaultCheckOptions): CellCheck[] {
  const expectedCells = codeCells(committed);
  const actualCells = codeCells(executed);
  if (expectedCells.length !== actualCells.length) {
    return [
      {
        cellNumber: 0,
        firstLine: "",
        status: "failed",
        reason: `the executed notebook has ${actualCells.length} code cells, the committed one ${expectedCells.length}`,
        details: [],
      },
    ];
  }
  return expectedCells.map(({ cell: expected }, index) => {
    const { cell: actual, cellNumber } = actualCells[index]!;
    const result = (status: CellCheck["status"], reason?: string, details: string[] = []): CellCheck => ({
      cellNumber,
      firstLine: firstLineOf(actual),
      status,
      reason,
      details,
    });
    const markers = cellMarkers(actual);
    if (markers.skip) return result("skipped", "marked nbval-skip");
    if (actual.execution_count === null) return result("failed", "not executed: an earlier cell failed");
    const error = actual.outputs.find((output): output is ErrorOutput => output.output_type === "error");
    if (error && !markers.raisesException)
      return result(
        "failed",
        `raised ${error.ename}: ${error.evalue.split("\n")[0]}`,
        error.traceback.slice(0, 20).map((line) => line.replace(/\u001b\[[0-9;]*m/g, "")),
      );
    if (!error && markers.raisesException) return result("failed", "marked raises-exception but raised nothing");
    if (markers.ignoreOutput) return result("passed", "outputs ignored (nbval-ignore-output)");
    if (options.lax && !markers.checkOutput) return result("passed", "outputs not compared (--lax)");
    const expectedBlocks = outputBlocks(expected.outputs ?? [], options);
    const actualBlocks = outputBlocks(actual.outputs, options);
    if (blockLines(expectedBlocks).join("\n") === blockLines(actualBlocks).join("\n")) return result("passed");
    return result("failed", "outputs differ from the committed ones", differenceDetails(expectedBlocks, actualBlocks));
  });
}
