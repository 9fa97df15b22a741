import type ts from "typescript";
import { join } from "node:path";
import { CarriedDeclarations } from "./carried-declarations.js";
import { documentationMarkdown } from "./documentation.js";
import { createCellTransformer, type CellTransformResult } from "./cell-transform.js";
import { packageRoot } from "../../lib/util/package-root.js";

export interface CellDiagnostic {
  line: number; // 1-based, in cell coordinates
  column: number; // 1-based
  code: number;
  message: string;
  sourceLine: string;
}

export interface CompiledCell {
  diagnostics: CellDiagnostic[];
  javascript: string;
  sourceMap: string;
  hoistedNames: Set<string>;
  hasResult: boolean;
  /** Call after the cell ran (or was allowed to run) so later cells see its declarations. */
  commit(): void;
}

const cellFileName = "__tskeras_cell.mts";
const globalsFileName = "__tskeras_globals.d.mts";
const kernelGlobalsFileName = "__tskeras_kernel_globals.d.mts";

/** Globals every cell has: display hooks and input. Types come from the library's display module. */
function kernelGlobalsText(): string {
  const displayModule = JSON.stringify(join(packageRoot, "dist/lib/display/display.js"));
  const magicsModule = JSON.stringify(join(packageRoot, "dist/lib/magics/registry.js"));
  return `declare global {
  /** Shows a value in the notebook as its richest form: \`display(model)\`, \`display(bundle, { raw: true })\`, \`display.html("<b>hi</b>")\`. */
  const display: typeof import(${displayModule}).display;
  /** Clears the cell's output; with \`{ wait: true }\` when the next output arrives. */
  const clearOutput: typeof import(${displayModule}).clearOutput;
  /** Asks the user for a line of text in the notebook (an input_request); returns what was typed. */
  function prompt(message?: string, defaultValue?: string): string | null;
  /** Like Python's input(): asks the user for a line of text in the notebook. */
  function input(prompt?: string): string;
  /** Adds a \`%name\` / \`%%name\` magic: \`registerMagic("shout", { line: (text) => text.toUpperCase() })\`. */
  const registerMagic: typeof import(${magicsModule}).registerMagic;
  /** The kernel's hooks that magic lines (\`%time\`, \`!ls\`) are compiled into. */
  const __tskeras: { magic(name: string, line: string, code?: () => Promise<unknown>, capture?: boolean): Promise<any> };
}
export {};
`;
}

/**
 * Type-checks and compiles cells with the TypeScript language service. The program holds three
 * virtual files next to the notebook (so imports resolve from its directory): the current cell, the
 * declarations carried from earlier cells, and the kernel's globals. Library and package `.d.ts`
 * files are parsed once and reused by every later program.
 */
export class CellCompiler {
  readonly carried: CarriedDeclarations;
  private readonly service: ts.LanguageService;
  private readonly files = new Map<string, { text: string; version: number }>();
  private readonly diskSnapshots = new Map<string, ts.IScriptSnapshot>();
  private readonly options: ts.CompilerOptions;
  private readonly resolutionCache: ts.ModuleResolutionCache;
  private readonly cellPath: string;
  private readonly globalsPath: string;

  constructor(
    private readonly t: typeof ts,
    workingDirectory: string,
  ) {
    this.carried = new CarriedDeclarations(t);
    this.cellPath = join(workingDirectory, cellFileName);
    this.globalsPath = join(workingDirectory, globalsFileName);
    this.setFile(join(workingDirectory, kernelGlobalsFileName), kernelGlobalsText());
    this.setFile(this.globalsPath, this.carried.globalsFileText());
    this.setFile(this.cellPath, "export {};\n");
    this.options = {
      target: t.ScriptTarget.ES2022,
      module: t.ModuleKind.NodeNext,
      moduleResolution: t.ModuleResolutionKind.NodeNext,
      moduleDetection: t.ModuleDetectionKind.Force,
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      typeRoots: [join(packageRoot, "node_modules/@types")],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      resolveJsonModule: true,
      declaration: true,
      sourceMap: true,
      noEmitOnError: false,
      allowJs: false,
      useDefineForClassFields: true,
    };
    const moduleHost: ts.ModuleResolutionHost = {
      fileExists: (path) => this.files.has(path) || t.sys.fileExists(path),
      readFile: (path) => this.files.get(path)?.text ?? t.sys.readFile(path),
      directoryExists: (path) => t.sys.directoryExists(path),
      realpath: (path) => t.sys.realpath?.(path) ?? path,
      getCurrentDirectory: () => workingDirectory,
      getDirectories: (path) => t.sys.getDirectories(path),
    };
    this.resolutionCache = t.createModuleResolutionCache(workingDirectory, (name) => name, this.options);
    const fallbackContainingFile = join(packageRoot, "__tskeras_resolver.mts");
    const host: ts.LanguageServiceHost = {
      ...moduleHost,
      useCaseSensitiveFileNames: () => t.sys.useCaseSensitiveFileNames,
      getCurrentDirectory: () => workingDirectory,
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => [...this.files.keys()],
      getScriptVersion: (path) => String(this.files.get(path)?.version ?? 0),
      getScriptSnapshot: (path) => {
        const virtual = this.files.get(path);
        if (virtual) return t.ScriptSnapshot.fromString(virtual.text);
        // Library and package declarations do not change while the kernel runs: read them once.
        let snapshot = this.diskSnapshots.get(path);
        if (!snapshot) {
          const text = t.sys.readFile(path);
          if (text === undefined) return undefined;
          snapshot = t.ScriptSnapshot.fromString(text);
          this.diskSnapshots.set(path, snapshot);
        }
        return snapshot;
      },
      getDefaultLibFileName: (options) => t.getDefaultLibFilePath(options),
      // Packages resolve from the notebook's directory, then from tskeras's own dependencies;
      // `tskeras` and `tslab` always mean ours, whatever the notebook's folder has installed.
      resolveModuleNameLiterals: (literals, containingFile, redirected, options, containingSourceFile) =>
        literals.map((literal) => {
          const mode = t.getModeForUsageLocation(containingSourceFile, literal, options);
          const own = literal.text === "tskeras" || literal.text === "tslab";
          const first = own ? undefined : t.resolveModuleName(literal.text, containingFile, options, moduleHost, this.resolutionCache, redirected, mode);
          if (first?.resolvedModule) return first;
          return t.resolveModuleName(literal.text, fallbackContainingFile, options, moduleHost, this.resolutionCache, redirected, mode);
        }),
    };
    this.service = t.createLanguageService(host, t.createDocumentRegistry());
  }

  private setFile(path: string, text: string): void {
    const previous = this.files.get(path);
    if (previous?.text === text) return;
    this.files.set(path, { text, version: (previous?.version ?? 0) + 1 });
  }

  /** Names a cell declares at top level (imports included): they shadow carried names. */
  private declaredNames(code: string): Set<string> {
    const t = this.t;
    const source = t.createSourceFile(cellFileName, code, t.ScriptTarget.ES2022, false, t.ScriptKind.TS);
    const names = new Set<string>();
    const addBinding = (name: ts.BindingName): void => {
      if (t.isIdentifier(name)) names.add(name.text);
      else for (const element of name.elements) if (!t.isOmittedExpression(element)) addBinding(element.name);
    };
    for (const statement of source.statements) {
      if (t.isVariableStatement(statement)) statement.declarationList.declarations.forEach((d) => addBinding(d.name));
      else if (t.isImportDeclaration(statement) && statement.importClause) {
        const clause = statement.importClause;
        if (clause.name) names.add(clause.name.text);
        const bindings = clause.namedBindings;
        if (bindings && t.isNamespaceImport(bindings)) names.add(bindings.name.text);
        else if (bindings) bindings.elements.forEach((element) => names.add(element.name.text));
      } else if (
        (t.isFunctionDeclaration(statement) ||
          t.isClassDeclaration(statement) ||
          t.isInterfaceDeclaration(statement) ||
          t.isTypeAliasDeclaration(statement) ||
          t.isEnumDeclaration(statement) ||
          t.isModuleDeclaration(statement)) &&
        statement.name &&
        t.isIdentifier(statement.name)
      ) {
        names.add(statement.name.text);
      }
    }
    return names;
  }

  /** Puts `code` in the cell file with the carried imports after it; returns the user text's length. */
  private loadCell(code: string): { names: Set<string>; length: number } {
    const names = this.declaredNames(code);
    this.setFile(this.globalsPath, this.carried.globalsFileText());
    // Exporting every top-level name makes the declaration emit describe all of them.
    this.setFile(this.cellPath, `${code}\n${this.carried.importsFor(names)}\nexport { ${[...names].join(", ")} };\n`);
    return { names, length: code.length };
  }

  compile(code: string): CompiledCell {
    const t = this.t;
    const { length } = this.loadCell(code);
    // One program per cell: asking the service for each kind of diagnostic would re-synchronize it.
    const program = this.service.getProgram()!;
    const sourceFile = program.getSourceFile(this.cellPath)!;
    const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)]
      .filter((diagnostic) => diagnostic.start === undefined || diagnostic.start <= length)
      .map((diagnostic) => this.toCellDiagnostic(diagnostic, code));
    const transform: CellTransformResult = { hoistedNames: new Set(), hasResult: false };
    let javascript = "";
    let sourceMap = "";
    let declarationText = "";
    program.emit(
      sourceFile,
      (fileName, text) => {
        if (fileName.endsWith(".d.mts")) declarationText = text;
        else if (fileName.endsWith(".map")) sourceMap = text;
        else javascript = text;
      },
      undefined,
      false,
      { before: [createCellTransformer(t, program.getTypeChecker(), length, transform)] },
    );
    javascript = javascript.replace(/\n?\/\/# sourceMappingURL=.*\s*$/, "").replace(/\bexport \{\};\s*$/, "");
    return {
      diagnostics,
      javascript,
      sourceMap,
      hoistedNames: transform.hoistedNames,
      hasResult: transform.hasResult,
      commit: () => this.carried.record(sourceFile, declarationText, length),
    };
  }

  private toCellDiagnostic(diagnostic: ts.Diagnostic, code: string): CellDiagnostic {
    const t = this.t;
    const start = Math.min(diagnostic.start ?? 0, code.length);
    const before = code.slice(0, start).split("\n");
    const line = before.length;
    const column = before[before.length - 1]!.length + 1;
    return {
      line,
      column,
      code: diagnostic.code,
      message: t.flattenDiagnosticMessageText(diagnostic.messageText, "\n"),
      sourceLine: code.split("\n")[line - 1] ?? "",
    };
  }

  /** Whether text parses as exactly one expression (so `%time text` can return its value). */
  isExpression(text: string): boolean {
    const t = this.t;
    const source = t.createSourceFile("expression.mts", text, t.ScriptTarget.ES2022, false, t.ScriptKind.TS);
    const parseErrors = (source as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics ?? [];
    return parseErrors.length === 0 && source.statements.length === 1 && t.isExpressionStatement(source.statements[0]!);
  }

  completions(code: string, cursor: number): { names: string[]; kinds: string[]; start: number; end: number } {
    this.loadCell(code);
    let start = cursor;
    while (start > 0 && /[\w$]/.test(code[start - 1]!)) start--;
    let end = cursor;
    while (end < code.length && /[\w$]/.test(code[end]!)) end++;
    const prefix = code.slice(start, cursor);
    const info = this.service.getCompletionsAtPosition(this.cellPath, cursor, { includeCompletionsWithInsertText: true });
    const entries = (info?.entries ?? [])
      .filter((entry) => entry.name.startsWith(prefix) && !entry.name.startsWith("__tskeras"))
      .sort((a, b) => (a.sortText === b.sortText ? a.name.localeCompare(b.name) : a.sortText < b.sortText ? -1 : 1));
    return { names: entries.map((entry) => entry.name), kinds: entries.map((entry) => entry.kind), start, end };
  }

  /** Signature and documentation of the symbol at `position`, as Markdown (tfjs's doc-build tags dropped); undefined when none. */
  quickInfo(code: string, position: number): string | undefined {
    this.loadCell(code);
    const info = this.service.getQuickInfoAtPosition(this.cellPath, position);
    return info ? documentationMarkdown(info) : undefined;
  }
}
