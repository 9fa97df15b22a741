/**
 * A unified diff (`diff -u` layout) of two line lists, from a longest-common-subsequence table.
 * Outputs are small; past `maxLines` lines per side the tail is compared line by line instead.
 */
export function unifiedDiff(expected: string[], actual: string[], options: { context?: number; maxLines?: number } = {}): string[] {
  const context = options.context ?? 3;
  const maxLines = options.maxLines ?? 2000;
  const operations = lineOperations(expected.slice(0, maxLines), actual.slice(0, maxLines));
  for (let index = maxLines; index < Math.max(expected.length, actual.length); index++) {
    if (expected[index] === actual[index]) operations.push({ kind: " ", text: expected[index]! });
    else {
      if (index < expected.length) operations.push({ kind: "-", text: expected[index]! });
      if (index < actual.length) operations.push({ kind: "+", text: actual[index]! });
    }
  }
  const lines = ["--- expected", "+++ got"];
  // Each change with `context` unchanged lines around it; overlapping ranges merge into one hunk.
  const ranges: Array<[number, number]> = [];
  operations.forEach((operation, index) => {
    if (operation.kind === " ") return;
    const range: [number, number] = [Math.max(0, index - context), Math.min(operations.length, index + context + 1)];
    const last = ranges[ranges.length - 1];
    if (last && range[0] <= last[1]) last[1] = range[1];
    else ranges.push(range);
  });
  for (const [start, end] of ranges) {
    const before = operations.slice(0, start);
    const expectedStart = before.filter((operation) => operation.kind !== "+").length;
    const actualStart = before.filter((operation) => operation.kind !== "-").length;
    const hunk = operations.slice(start, end);
    const expectedCount = hunk.filter((operation) => operation.kind !== "+").length;
    const actualCount = hunk.filter((operation) => operation.kind !== "-").length;
    lines.push(`@@ -${expectedStart + (expectedCount ? 1 : 0)},${expectedCount} +${actualStart + (actualCount ? 1 : 0)},${actualCount} @@`);
    for (const operation of hunk) lines.push(`${operation.kind}${operation.text}`);
  }
  return lines;
}

interface Operation {
  kind: " " | "-" | "+";
  text: string;
}

function lineOperations(expected: string[], actual: string[]): Operation[] {
  const rows = expected.length;
  const columns = actual.length;
  // lengths[i][j]: LCS length of expected[i..] and actual[j..]
  const lengths: Uint32Array[] = Array.from({ length: rows + 1 }, () => new Uint32Array(columns + 1));
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = columns - 1; j >= 0; j--) {
      lengths[i]![j] = expected[i] === actual[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const operations: Operation[] = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < columns) {
    if (i < rows && j < columns && expected[i] === actual[j]) {
      operations.push({ kind: " ", text: expected[i]! });
      i++;
      j++;
    } else if (i < rows && (j === columns || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      operations.push({ kind: "-", text: expected[i]! });
      i++;
    } else {
      operations.push({ kind: "+", text: actual[j]! });
      j++;
    }
  }
  return operations;
}
