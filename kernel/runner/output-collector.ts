import type { MimeBundle, OutputSink } from "../engine/types.js";
import { splitLines, type Output, type StreamOutput } from "./notebook-format.js";

/** JSON mime types are stored as JSON in notebooks; everything else as (multi-line) text. */
function toNotebookData(bundle: MimeBundle): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(bundle)) {
    const isJson = mime === "application/json" || mime.endsWith("+json");
    data[mime] = !isJson && typeof value === "string" ? splitLines(value) : value;
  }
  return data;
}

/**
 * Collects one cell's outputs the way a Jupyter frontend shows them: consecutive stream text is
 * merged, `clearOutput({ wait: true })` clears when the next output arrives, and display updates
 * replace the earlier output with the same display id (in whichever cell it is).
 */
export class OutputCollector implements Omit<OutputSink, "input"> {
  private outputs: Output[] = [];
  private clearPending = false;
  private readonly displays = new Map<string, Array<{ data: Record<string, unknown>; metadata: Record<string, unknown> }>>();

  startCell(): Output[] {
    this.outputs = [];
    this.clearPending = false;
    return this.outputs;
  }

  private beforeOutput(): void {
    if (this.clearPending) {
      this.outputs.length = 0;
      this.clearPending = false;
    }
  }

  stream(name: "stdout" | "stderr", text: string): void {
    this.beforeOutput();
    const last = this.outputs[this.outputs.length - 1];
    if (last?.output_type === "stream" && last.name === name) {
      const joined = (last.text as string[]).join("") + text;
      (last as StreamOutput).text = splitLines(joined);
      return;
    }
    this.outputs.push({ output_type: "stream", name, text: splitLines(text) });
  }

  displayData(bundle: MimeBundle, metadata: Record<string, unknown>, transient: { display_id?: string }, update: boolean): void {
    const data = toNotebookData(bundle);
    const displayId = transient.display_id;
    if (update && displayId) {
      for (const output of this.displays.get(displayId) ?? []) {
        output.data = data;
        output.metadata = metadata;
      }
      return;
    }
    this.beforeOutput();
    const output = { output_type: "display_data" as const, data, metadata };
    this.outputs.push(output);
    if (displayId) this.displays.set(displayId, [...(this.displays.get(displayId) ?? []), output]);
  }

  clearOutput(wait: boolean): void {
    if (wait) this.clearPending = true;
    else this.outputs.length = 0;
  }

  executeResult(bundle: MimeBundle, executionCount: number): void {
    this.beforeOutput();
    this.outputs.push({ output_type: "execute_result", execution_count: executionCount, data: toNotebookData(bundle), metadata: {} });
  }

  error(ename: string, evalue: string, traceback: string[]): void {
    this.beforeOutput();
    this.outputs.push({ output_type: "error", ename, evalue, traceback });
  }
}
