/** Keras 2's progress bar line pieces (`keras.utils.Progbar`), printed once per epoch. */

/** `32/32 [==============================]`: 30 characters, `>` at the head while unfinished. */
export function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = Math.floor((width * done) / total);
  const bar = done >= total ? "=".repeat(width) : `${"=".repeat(Math.max(0, filled - 1))}>${".".repeat(width - Math.max(filled, 1))}`;
  const digits = String(total).length;
  return `${String(done).padStart(digits)}/${total} [${bar}]`;
}

/** Keras formats the per-step time in s, ms or us. */
export function perStep(secondsPerStep: number): string {
  if (secondsPerStep >= 1) return `${Math.round(secondsPerStep)}s/step`;
  if (secondsPerStep >= 1e-3) return `${Math.round(secondsPerStep * 1e3)}ms/step`;
  return `${Math.round(secondsPerStep * 1e6)}us/step`;
}

/** ` - loss: 0.4201 - accuracy: 0.8790`; Keras shows 4 decimals, or scientific for tiny values. */
export function formatLogs(logs: Record<string, number>): string {
  return Object.entries(logs)
    .map(([key, value]) => ` - ${key}: ${Math.abs(value) > 1e-3 || value === 0 ? value.toFixed(4) : value.toExponential(4)}`)
    .join("");
}

/** The verbose=1 end-of-epoch line: `32/32 [====...] - 0s 5ms/step - loss: ...`. */
export function epochLineVerbose1(steps: number, seconds: number, logs: Record<string, number>): string {
  return `${progressBar(steps, steps)} - ${Math.round(seconds)}s ${perStep(seconds / steps)}${formatLogs(logs)}`;
}

/** The verbose=2 line: `32/32 - 0s - loss: ... - 0s/epoch - 5ms/step`. */
export function epochLineVerbose2(steps: number, seconds: number, logs: Record<string, number>): string {
  return `${steps}/${steps} - ${Math.round(seconds)}s${formatLogs(logs)} - ${Math.round(seconds)}s/epoch - ${perStep(seconds / steps)}`;
}
