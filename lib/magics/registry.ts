/**
 * The magics registry (`%name` line magics, `%%name` cell magics). It lives on a registered global
 * symbol so `import { registerMagic } from "tskeras"` and the kernel see the same table without the
 * library depending on the kernel.
 */
export interface MagicContext {
  /** The notebook's current directory (changed by `%cd`). */
  readonly workingDirectory: string;
  /** Writes text to the cell's stdout. */
  print(text: string): void;
  /** Runs TypeScript code as a cell would (types checked, state shared) and returns its last value. */
  runCode(code: string): Promise<unknown>;
  /** Names the user's cells have defined. */
  userNames(): string[];
  /** Forgets every name the user's cells have defined. */
  resetNamespace(): void;
}

export type LineMagic = (line: string, context: MagicContext) => unknown;
export type CellMagic = (line: string, body: string, context: MagicContext) => unknown;

export interface MagicDefinition {
  name: string;
  help: string;
  line?: LineMagic;
  cell?: CellMagic;
  /** For line magics whose argument is TypeScript code (like %time): the code is checked and compiled with the cell. */
  takesCode?: boolean;
}

/** Thrown for wrong magic usage; shown as `UsageError: …` like IPython. */
export class UsageError extends Error {
  override name = "UsageError";
}

const registrySymbol = Symbol.for("tskeras.magics");

export function magicRegistry(): Map<string, MagicDefinition> {
  const store = globalThis as Record<symbol, Map<string, MagicDefinition> | undefined>;
  return (store[registrySymbol] ??= new Map());
}

/**
 * Adds a magic to the notebook.
 * @example
 * registerMagic("shout", { line: (text) => text.toUpperCase(), help: "Upper-cases its argument." });
 * // in a later cell:  %shout hello   → 'HELLO'
 * registerMagic("lines", { cell: (_line, body) => body.split("\n").length, help: "Counts the cell's lines." });
 */
export function registerMagic(name: string, definition: Omit<MagicDefinition, "name" | "help"> & { help?: string }): void {
  if (!/^[A-Za-z_][\w-]*$/.test(name)) throw new UsageError(`"${name}" is not a valid magic name: use letters, digits, "_" and "-", starting with a letter.`);
  if (!definition.line && !definition.cell) throw new UsageError(`registerMagic("${name}") needs a line function, a cell function, or both.`);
  magicRegistry().set(name, { name, help: definition.help ?? "(no help given)", ...definition });
}
