import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const readManifest = (path: string) => JSON.parse(readFileSync(path, "utf8")) as { version: string };

/** The kernel's version (from package.json). Read without loading the TypeScript compiler. */
export const kernelVersion = readManifest(new URL("../../../package.json", import.meta.url).pathname).version;

/** The bundled TypeScript compiler's version, read from its package.json (cheap, unlike importing it). */
export const typescriptVersion = readManifest(require.resolve("typescript/package.json")).version;

/** Jupyter `language_info` for TypeScript. */
export function kernelLanguageInfo() {
  return {
    name: "typescript",
    version: typescriptVersion,
    mimetype: "text/typescript",
    file_extension: ".ts",
    pygments_lexer: "typescript",
    codemirror_mode: { name: "javascript", typescript: true },
    nbconvert_exporter: "script",
  };
}
