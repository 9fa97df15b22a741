import type { MagicDefinition } from "../../lib/magics/registry.js";
import { display } from "../../lib/display/display.js";

function showBody(mime: string): MagicDefinition["cell"] {
  return (_line, body) => {
    void display({ [mime]: body }, { raw: true });
  };
}

/** IPython's display cell magics: the cell's body shown as the given mime type. */
export const displayMagics: MagicDefinition[] = [
  { name: "html", help: "%%html shows the cell's body as HTML.", cell: showBody("text/html") },
  { name: "markdown", help: "%%markdown shows the cell's body as Markdown.", cell: showBody("text/markdown") },
  { name: "svg", help: "%%svg shows the cell's body as an SVG image.", cell: showBody("image/svg+xml") },
  { name: "javascript", help: "%%javascript sends the cell's body to the frontend as JavaScript.", cell: showBody("application/javascript") },
  { name: "latex", help: "%%latex shows the cell's body as LaTeX.", cell: showBody("text/latex") },
];
