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

export const formatGaps: FormatGap[] = [];

/** The reason a case's cell in a format column is expected to fail, if it is. */
export function formatGap(id: string, column: string): string | undefined {
  return formatGaps.find((gap) => gap.column === column && gap.ids.includes(id))?.reason;
}
