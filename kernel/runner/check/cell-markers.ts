import { joinSource, type CodeCell } from "../notebook-format.js";

/** How `--check` treats one cell, from nbval's tag names or the equivalent first-line comment. */
export interface CellMarkers {
  /** `nbval-skip` / `// NBVAL_SKIP`: not executed, not compared (its committed outputs are kept). */
  skip: boolean;
  /** `nbval-ignore-output` / `// NBVAL_IGNORE_OUTPUT`: executed, outputs not compared. */
  ignoreOutput: boolean;
  /** `raises-exception`, `nbval-raises-exception` / `// NBVAL_RAISES_EXCEPTION`: must raise. */
  raisesException: boolean;
  /** `nbval-check-output` / `// NBVAL_CHECK_OUTPUT`: compared even under `--lax`. */
  checkOutput: boolean;
}

const tagMarkers: Record<string, keyof CellMarkers> = {
  "nbval-skip": "skip",
  "nbval-ignore-output": "ignoreOutput",
  "raises-exception": "raisesException",
  "nbval-raises-exception": "raisesException",
  "nbval-check-output": "checkOutput",
};

const commentMarkers: Record<string, keyof CellMarkers> = {
  NBVAL_SKIP: "skip",
  NBVAL_IGNORE_OUTPUT: "ignoreOutput",
  NBVAL_RAISES_EXCEPTION: "raisesException",
  NBVAL_CHECK_OUTPUT: "checkOutput",
};

export function cellMarkers(cell: Pick<CodeCell, "source" | "metadata">): CellMarkers {
  const markers: CellMarkers = { skip: false, ignoreOutput: false, raisesException: false, checkOutput: false };
  for (const tag of cell.metadata.tags ?? []) {
    const marker = tagMarkers[tag];
    if (marker) markers[marker] = true;
  }
  // nbval reads a marker comment on the cell's first line; TypeScript spells the comment `//`.
  const firstLine = joinSource(cell.source).split("\n")[0]!.trim();
  const comment = /^\/\/\s*(NBVAL_[A-Z_]+)\s*$/.exec(firstLine);
  const marker = comment ? commentMarkers[comment[1]!] : undefined;
  if (marker) markers[marker] = true;
  return markers;
}
