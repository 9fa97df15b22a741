import type { OutputSink } from "./types.js";

type Write = typeof process.stdout.write;

let original: { out: Write; err: Write } | undefined;

/**
 * Routes everything written to process.stdout/stderr (console.log included) to the notebook.
 * The kernel's own diagnostics must therefore go straight to file descriptor 2 (see kernel logging).
 */
export function captureProcessOutput(outputs: OutputSink): void {
  original ??= { out: process.stdout.write, err: process.stderr.write };
  const redirect = (name: "stdout" | "stderr"): Write =>
    function write(this: unknown, chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean {
      const text =
        typeof chunk === "string"
          ? chunk
          : Buffer.from(chunk as Uint8Array).toString(typeof encodingOrCallback === "string" ? (encodingOrCallback as BufferEncoding) : "utf8");
      outputs.stream(name, text);
      const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
      if (typeof done === "function") queueMicrotask(() => (done as () => void)());
      return true;
    } as Write;
  process.stdout.write = redirect("stdout");
  process.stderr.write = redirect("stderr");
}

/** Gives process.stdout/stderr back (for tests and embedders that create an engine temporarily). */
export function releaseProcessOutput(): void {
  if (!original) return;
  process.stdout.write = original.out;
  process.stderr.write = original.err;
  original = undefined;
}
