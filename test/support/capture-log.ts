/** Captures the lines `console.log` prints while `run` executes (Keras-style progress and log lines). */
export async function captureLog<T>(run: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => void lines.push(parts.join(" "));
  try {
    return { value: await run(), lines };
  } finally {
    console.log = original;
  }
}
