/** The parts of nbformat 4 (https://nbformat.readthedocs.io) the runner reads and writes. */
export type MultilineString = string | string[];

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: "code";
  id?: string;
  source: MultilineString;
  metadata: { tags?: string[]; [key: string]: unknown };
  execution_count: number | null;
  outputs: Output[];
}
export interface OtherCell {
  cell_type: "markdown" | "raw";
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  attachments?: Record<string, unknown>;
}
export type Cell = CodeCell | OtherCell;

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

export function joinSource(source: MultilineString): string {
  return Array.isArray(source) ? source.join("") : source;
}

/** nbformat stores multi-line strings as a list of lines, each keeping its "\n". */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
    );
  return value;
}

/** A notebook's file text as Jupyter writes it (one-space indent, sorted keys), so rewrites diff cleanly. */
export function serializeNotebook(notebook: Notebook): string {
  return `${JSON.stringify(sortedKeys(notebook), null, 1)}\n`;
}
