import type { CellCheck } from "./compare-notebook.js";
import type { NotebookReport } from "./junit-report.js";

/** One line per notebook: `PASS notebooks/a.ipynb  12 cells: 11 passed, 1 skipped (34.2s)`. */
export function summaryLine(report: NotebookReport): string {
  const count = (status: CellCheck["status"]) => report.cells.filter((cell) => cell.status === status).length;
  const failed = count("failed");
  const verdict = report.error || failed > 0 ? "FAIL" : "PASS";
  const what = report.error
    ? report.error.split("\n")[0]
    : `${report.cells.length} cells: ${count("passed")} passed, ${failed} failed, ${count("skipped")} skipped`;
  return `${verdict} ${report.path}  ${what} (${report.seconds.toFixed(1)}s)`;
}

/** The failures of one notebook: cell number, first source line, reason, then the diff, indented. */
export function failureReport(report: NotebookReport): string {
  const blocks: string[] = [];
  for (const cell of report.cells) {
    if (cell.status !== "failed") continue;
    const where = cell.cellNumber > 0 ? `${report.path} cell ${cell.cellNumber}: ${cell.firstLine}` : report.path;
    blocks.push([`✗ ${where}`, `  ${cell.reason}`, ...cell.details.map((line) => `    ${line}`)].join("\n"));
  }
  return blocks.join("\n\n");
}

/** Rows under a header, columns padded; columns from `rightAligned` on are right-aligned. */
export function formatTable(header: string[], rows: string[][], rightAligned = header.length): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]) =>
    row
      .map((cell, column) => (column >= rightAligned ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  return [format(header), ...rows.map(format)].join("\n");
}

/** The table at the end of a multi-notebook --check run. */
export function summaryTable(reports: NotebookReport[]): string {
  const rows = reports.map((report) => {
    const count = (status: CellCheck["status"]) => report.cells.filter((cell) => cell.status === status).length;
    return [
      report.error || count("failed") ? "FAIL" : "PASS",
      report.path,
      String(count("passed")),
      String(count("failed")),
      String(count("skipped")),
      `${report.seconds.toFixed(1)}s`,
    ];
  });
  return formatTable(["", "notebook", "passed", "failed", "skipped", "time"], rows, 2);
}
