import type * as ts from "typescript";

/**
 * Tooltips and `expr?` help as clean Markdown. TypeScript hands us the symbol's JSDoc as parts;
 * tfjs's own comments carry build tags for its website (`@doc {heading: 'Models', …}`) that mean
 * nothing to a notebook user, so those are dropped and the standard tags become Markdown sections.
 */

/** Tags that only drive tfjs's (or our) documentation build. */
const hiddenTags = new Set(["doc", "docs", "docinline", "docalias", "nocollapse", "internal", "hidden", "ignore"]);

function partsText(parts: readonly ts.SymbolDisplayPart[] | undefined): string {
  // Inline `{@link Name}` arrives as link/linkName/linkText parts: keep the name, as code.
  return (parts ?? [])
    .map((part) => (part.kind === "link" ? "" : part.kind === "linkName" ? `\`${part.text}\`` : part.text))
    .join("")
    .trim();
}

function tagMarkdown(tag: ts.JSDocTagInfo): string | undefined {
  if (hiddenTags.has(tag.name)) return undefined;
  const parts = tag.text ?? [];
  switch (tag.name) {
    case "param": {
      const name = parts.find((part) => part.kind === "parameterName")?.text;
      const description = partsText(parts.filter((part) => part.kind !== "parameterName"));
      return name ? `- \`${name}\`${description ? ` — ${description}` : ""}` : undefined;
    }
    case "returns":
    case "return":
      return `**Returns** ${partsText(parts)}`;
    case "example": {
      const code = partsText(parts).replace(/^```\w*\n?|\n?```$/g, "");
      return `**Example**\n\n\`\`\`typescript\n${code}\n\`\`\``;
    }
    case "deprecated":
      return `**Deprecated.** ${partsText(parts)}`;
    case "throws":
      return `**Throws** ${partsText(parts)}`;
    case "see":
      return `**See** ${partsText(parts)}`;
    default: {
      const text = partsText(parts);
      return `*@${tag.name}*${text ? ` ${text}` : ""}`;
    }
  }
}

/** tfjs indents its fences (" ```js") and sometimes leaves the last one open: fix both, or the rest would render as code. */
function balancedFences(markdown: string): string {
  const text = markdown.replace(/^[ \t]+```/gm, "```");
  const fences = text.match(/^```/gm)?.length ?? 0;
  return fences % 2 === 1 ? `${text}\n\`\`\`` : text;
}

/** The signature as a TypeScript code block, the description, then parameters and other tags. */
export function documentationMarkdown(info: {
  displayParts?: readonly ts.SymbolDisplayPart[];
  documentation?: readonly ts.SymbolDisplayPart[];
  tags?: readonly ts.JSDocTagInfo[];
}): string {
  const signature = partsText(info.displayParts);
  const description = balancedFences(partsText(info.documentation));
  const tags = (info.tags ?? [])
    .map((tag) => [tag.name, tagMarkdown(tag)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  const parameters = tags.filter(([name]) => name === "param").map(([, text]) => text);
  const others = tags.filter(([name]) => name !== "param").map(([, text]) => text);
  return [
    signature ? `\`\`\`typescript\n${signature}\n\`\`\`` : "",
    description,
    parameters.length ? `**Parameters**\n\n${parameters.join("\n")}` : "",
    ...others,
  ]
    .filter((section) => section.length > 0)
    .join("\n\n");
}

/** The same documentation as plain text (no code fences), for frontends that show only text/plain. */
export function documentationText(markdown: string): string {
  return markdown.replace(/^```\w*$\n?/gm, "").replace(/\*\*([^*]+)\*\*/g, "$1");
}

/**
 * Jupyter's completion types (`_jupyter_types_experimental`; JupyterLab shows them as the icon and
 * type column) from TypeScript's element kinds.
 */
export function completionType(kind: string): string {
  switch (kind) {
    case "function":
    case "local function":
    case "method":
    case "construct":
    case "call":
      return "function";
    case "class":
    case "local class":
    case "interface":
    case "type":
    case "enum":
    case "type parameter":
      return "class";
    case "property":
    case "getter":
    case "setter":
    case "accessor":
    case "index":
    case "enum member":
      return "property";
    case "module":
    case "external module name":
      return "module";
    case "keyword":
    case "primitive type":
      return "keyword";
    case "parameter":
      return "param";
    default:
      return "variable"; // var, let, const, local var, alias, …
  }
}
