/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Inline styles only: notebook HTML must render the same in Lab, Notebook, VS Code and nbconvert
 * exports. Colours come from JupyterLab's theme variables (Lab, Notebook 7, nbconvert's lab
 * template define them), with light fallbacks for the classic Notebook; text and background are
 * always set together, so a dark theme never pairs light text with a light fixed background.
 */
export const theme = {
  text: "var(--jp-content-font-color1, #1f2328)",
  mutedText: "var(--jp-content-font-color2, #59636e)",
  background: "var(--jp-layout-color0, #ffffff)",
  headerBackground: "var(--jp-layout-color2, #eeeeee)",
  border: "var(--jp-border-color1, #bdbdbd)",
  key: "var(--jp-mirror-editor-property-color, #0550ae)",
  string: "var(--jp-mirror-editor-string-color, #0a3069)",
  number: "var(--jp-mirror-editor-number-color, #953800)",
  accent: "var(--jp-mirror-editor-keyword-color, #8250df)",
};
export const tableStyle = `border-collapse:collapse;font-family:monospace;font-size:12px;color:${theme.text}`;
export const cellStyle = `border:1px solid ${theme.border};padding:2px 8px;text-align:left`;
export const headerStyle = `${cellStyle};background:${theme.headerBackground};color:${theme.text};font-weight:bold`;

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
