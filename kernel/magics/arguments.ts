/** A magic's argument with surrounding quotes removed (`%cd "my folder"` → `my folder`). */
export function unquote(text: string): string {
  const trimmed = text.trim();
  return /^(["']).*\1$/.test(trimmed) ? trimmed.slice(1, -1) : trimmed;
}
