// Known failures of the layer catalog's format columns (.h5, SavedModel, checkpoint), each with its
// reason: a listed cell that fails is shown as expected; one that passes fails the test, so whoever
// fixes it removes the entry. Kept apart from layer-catalog-cases.ts (one case per class) so that the
// cases and these gaps change independently.

export type FormatColumn = "h5 read" | "h5 write" | "SavedModel read" | "SavedModel write" | "checkpoint write";

export interface FormatGap {
  /** Case ids (`Dense`, `activation_sparsemax`). */
  ids: string[];
  column: FormatColumn;
  reason: string;
}

const readerLacks = (op: string) => `the SavedModel runtime has no ${op} kernel (lib/formats/savedmodel/graph/kernels/)`;
const tracerLacks = (kernel: string) => `the SavedModel writer cannot trace tfjs's ${kernel} kernel into a TF op yet (lib/tf/function/kernel-ops.ts)`;

export const formatGaps: FormatGap[] = [
  {
    ids: ["ContrastLimitedAdaptiveHistogramEqualization"],
    column: "SavedModel write",
    reason: "what the layer computes depends on the open batch size in a way the writer cannot express as graph ops yet (lib/tf/function/trace.ts)",
  },
  {
    ids: ["MelSpectrogram"],
    column: "SavedModel read",
    reason: `${readerLacks("RFFT")}: Keras's export takes a complex FFT, and tfjs's wasm backend has no complex tensors`,
  },
  {
    ids: ["Solarization"],
    column: "SavedModel read",
    reason: `${readerLacks("StatelessRandomGetKeyCounter / StatelessRandomUniformV2")}: Keras's export draws its random addition even at inference`,
  },
];

/** The reason a case's cell in a format column is expected to fail, if it is. */
export function formatGap(id: string, column: string): string | undefined {
  return formatGaps.find((gap) => gap.column === column && gap.ids.includes(id))?.reason;
}
