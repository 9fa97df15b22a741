/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Inline styles only: notebook HTML must render the same in Lab, Notebook, VS Code and nbconvert exports. */
export const tableStyle = "border-collapse:collapse;font-family:monospace;font-size:12px";
export const cellStyle = "border:1px solid #ccc;padding:2px 8px;text-align:left";
export const headerStyle = `${cellStyle};background:#f3f3f3`;

export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}
