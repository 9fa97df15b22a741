const voidElements = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]);
const rawTextElements = new Set(["script", "style"]);

/** Where the `<svg>` element whose body starts at `from` ends (after its `</svg>`), nested ones included. */
function endOfSvg(html: string, from: number): number {
  const lower = html.toLowerCase();
  const marker = /<svg[\s>]|<\/svg\s*>/g;
  marker.lastIndex = from;
  let depth = 1;
  let match: RegExpExecArray | null;
  while ((match = marker.exec(lower))) {
    depth += match[0].startsWith("</") ? -1 : 1;
    if (depth === 0) return marker.lastIndex;
  }
  return html.length;
}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (whole, name: string) => {
    if (entities[name] !== undefined) return entities[name]!;
    if (/^#x/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (/^#\d+$/.test(name)) return String.fromCodePoint(Number(name.slice(1)));
    return whole;
  });
}

/**
 * HTML reduced to what a reader sees: one line per element (its tag name, indented by depth) and
 * one per run of text (whitespace collapsed, entities decoded). Attributes are left out, so element
 * ids, inline styles and other attribute noise never make outputs differ; comments too. Script and
 * style bodies are kept as text lines. An inline `<svg>` is an image (a chart drawn from the data):
 * like image outputs it is compared by presence only, not by its drawing.
 */
export function htmlStructure(html: string): string {
  const lines: string[] = [];
  const open: string[] = [];
  const indent = () => "  ".repeat(open.length);
  const pushText = (text: string) => {
    const collapsed = decodeEntities(text).replace(/\s+/g, " ").trim();
    if (collapsed) lines.push(`${indent()}${collapsed}`);
  };
  const tag = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<!([^>]*)>|<\/\s*([a-zA-Z][\w:-]*)\s*>|<([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
  let position = 0;
  let match: RegExpExecArray | null;
  while ((match = tag.exec(html))) {
    pushText(html.slice(position, match.index));
    position = tag.lastIndex;
    const [whole, , closing, opening, attributes] = match;
    if (closing) {
      const name = closing.toLowerCase();
      const at = open.lastIndexOf(name);
      if (at >= 0) open.length = at;
    } else if (opening) {
      const name = opening.toLowerCase();
      lines.push(`${indent()}<${name}>`);
      if (name === "svg" && !/\/\s*$/.test(attributes ?? "")) {
        lines.push(`${indent()}  (image: not compared)`);
        position = endOfSvg(html, position);
        tag.lastIndex = position;
      } else if (rawTextElements.has(name)) {
        const end = html.toLowerCase().indexOf(`</${name}`, position);
        const body = html.slice(position, end < 0 ? html.length : end);
        for (const line of body.split("\n")) if (line.trim()) lines.push(`${indent()}  ${line.trim()}`);
        position = end < 0 ? html.length : end;
        tag.lastIndex = position;
      } else if (!voidElements.has(name) && !/\/\s*$/.test(attributes ?? "")) open.push(name);
    } else if (whole.startsWith("<!") && !whole.startsWith("<!--")) {
      lines.push(`${indent()}${whole.replace(/\s+/g, " ")}`);
    }
  }
  pushText(html.slice(position));
  return lines.join("\n");
}
