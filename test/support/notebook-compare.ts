/**
 * Compares a freshly executed notebook with its committed outputs, in the spirit of nbval: outputs
 * must match after normalizing what legitimately changes between runs (timings, random float values,
 * memory addresses, dates, temporary paths).
 */
interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: NotebookOutput[];
}
export interface NotebookDocument {
  cells: NotebookCell[];
}

const join = (value: unknown): string => (Array.isArray(value) ? value.join("") : typeof value === "string" ? value : JSON.stringify(value));

/** Replaces run-dependent parts of output text with placeholders. */
export function normalizeOutputText(text: string): string {
  return text
    .replace(/\u001b\[[0-9;]*m/g, "")
    .replace(/\r/g, "")
    .replace(/\b\d{4}-\d{2}-\d{2}[T@ ]\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, "<date>")
    .replace(/\b0x[0-9a-f]{6,}\b/gi, "<address>")
    .replace(/\/tmp\/[\w.-]+/g, "<tmp>")
    .replace(/[-+]?\b\d+(\.\d+)?(e[-+]?\d+)?\s?(ns|\u00b5s|us|ms|s|min|h|d)\b/g, "<time>")
    .replace(/[-+]?\d*\.\d+(e[-+]?\d+)?/gi, "<float>")
    .replace(/[ \t]+$/gm, "");
}

/** A comparable text for one output: its type and its normalized text-like content. */
function describeOutput(output: NotebookOutput): string {
  switch (output.output_type) {
    case "stream":
      return `[${output.name}]\n${normalizeOutputText(join(output.text))}`;
    case "error":
      return `[error] ${output.ename}: ${normalizeOutputText(output.evalue ?? "")}`;
    default: {
      const data = output.data ?? {};
      const mimes = Object.keys(data).sort();
      const text = data["text/plain"] !== undefined ? normalizeOutputText(join(data["text/plain"])) : "";
      return `[${output.output_type}: ${mimes.join(", ")}]\n${text}`;
    }
  }
}

/** Differences between committed and fresh outputs, one readable block per differing cell; empty when equal. */
export function compareNotebooks(committed: NotebookDocument, fresh: NotebookDocument): string[] {
  const problems: string[] = [];
  const committedCells = committed.cells.filter((cell) => cell.cell_type === "code");
  const freshCells = fresh.cells.filter((cell) => cell.cell_type === "code");
  if (committedCells.length !== freshCells.length) return [`the notebook has ${freshCells.length} code cells now, ${committedCells.length} committed`];
  committedCells.forEach((cell, index) => {
    const expected = (cell.outputs ?? []).map(describeOutput);
    const actual = (freshCells[index]!.outputs ?? []).map(describeOutput);
    if (expected.join("\n") === actual.join("\n")) return;
    const source = join(cell.source).split("\n")[0]!.slice(0, 70);
    const expectedLines = expected.join("\n").split("\n");
    const actualLines = actual.join("\n").split("\n");
    const diff: string[] = [];
    for (let line = 0; line < Math.max(expectedLines.length, actualLines.length); line++) {
      if (expectedLines[line] === actualLines[line]) continue;
      if (expectedLines[line] !== undefined) diff.push(`- ${expectedLines[line]}`);
      if (actualLines[line] !== undefined) diff.push(`+ ${actualLines[line]}`);
      if (diff.length > 20) break;
    }
    problems.push(`code cell ${index + 1} (${source}):\n${diff.join("\n")}`);
  });
  return problems;
}
