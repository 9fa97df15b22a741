import type { CellCheck } from "./compare-notebook.js";

export interface NotebookReport {
  /** The notebook's path as given on the command line. */
  path: string;
  seconds: number;
  cells: CellCheck[];
  /** Set when the notebook could not be run or read at all. */
  error?: string;
}

function escapeXml(text: string): string {
  // XML 1.0 allows no control characters besides tab, newline and carriage return.
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/**
 * A JUnit XML report (the layout CI systems read: testsuites › testsuite › testcase): one test
 * suite per notebook, one test case per code cell, named by cell number and first source line.
 */
export function junitXml(reports: NotebookReport[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const count = (status: CellCheck["status"]) => reports.reduce((sum, report) => sum + report.cells.filter((cell) => cell.status === status).length, 0);
  const total = reports.reduce((sum, report) => sum + report.cells.length + (report.error ? 1 : 0), 0);
  const errors = reports.filter((report) => report.error).length;
  const seconds = reports.reduce((sum, report) => sum + report.seconds, 0);
  lines.push(
    `<testsuites name="tskeras run --check" tests="${total}" failures="${count("failed")}" errors="${errors}" skipped="${count("skipped")}" time="${seconds.toFixed(3)}">`,
  );
  for (const report of reports) {
    const failures = report.cells.filter((cell) => cell.status === "failed").length;
    const skipped = report.cells.filter((cell) => cell.status === "skipped").length;
    const tests = report.cells.length + (report.error ? 1 : 0);
    lines.push(
      `  <testsuite name="${escapeXml(report.path)}" tests="${tests}" failures="${failures}" errors="${report.error ? 1 : 0}" skipped="${skipped}" time="${report.seconds.toFixed(3)}">`,
    );
    if (report.error) {
      lines.push(
        `    <testcase classname="${escapeXml(report.path)}" name="notebook" time="0">`,
        `      <error message="${escapeXml(report.error)}"/>`,
        "    </testcase>",
      );
    }
    for (const cell of report.cells) {
      const name = `cell ${cell.cellNumber}: ${cell.firstLine}`;
      const open = `    <testcase classname="${escapeXml(report.path)}" name="${escapeXml(name)}" time="0"`;
      if (cell.status === "passed") lines.push(`${open}/>`);
      else if (cell.status === "skipped") lines.push(`${open}>`, `      <skipped message="${escapeXml(cell.reason ?? "skipped")}"/>`, "    </testcase>");
      else
        lines.push(
          `${open}>`,
          `      <failure message="${escapeXml(cell.reason ?? "failed")}" type="OutputMismatch">${escapeXml(cell.details.join("\n"))}</failure>`,
          "    </testcase>",
        );
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}
