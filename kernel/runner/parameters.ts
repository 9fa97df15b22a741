import type ts from "typescript";
import { joinSource, splitLines, type CodeCell, type Notebook } from "./notebook-format.js";
import { injectedParametersTag } from "./check/compare-notebook.js";

/** papermill's tag for the cell that holds a notebook's default parameter values. */
export const parametersTag = "parameters";

export type ParameterValue = number | string | boolean | null | ParameterValue[] | { [key: string]: ParameterValue };

/**
 * A `-p NAME VALUE` value: JSON when it parses as JSON (`3`, `true`, `"x"`, `[1, 2]`), otherwise the
 * text itself as a string, so `-p optimizer adam` works without shell-quoted JSON quotes.
 */
export function parseParameterValue(text: string): ParameterValue {
  try {
    return JSON.parse(text) as ParameterValue;
  } catch {
    return text;
  }
}

export function checkParameterName(name: string): void {
  if (!/^[A-Za-z_$][\w$]*$/.test(name))
    throw new Error(`-p ${name}: a parameter name must be a TypeScript identifier (letters, digits, _ or $, not starting with a digit)`);
}

/**
 * The declared type of each top-level `const`/`let`/`var` in a parameters cell: its annotation when it
 * has one, else the type TypeScript infers, widened from the literal (`const epochs = 3` → number).
 * Names whose type cannot be known from the cell alone (they depend on earlier cells) are left out.
 */
export function declaredParameterTypes(typescript: typeof ts, source: string): Map<string, string> {
  const fileName = "/tskeras-parameters.ts";
  const options: ts.CompilerOptions = {
    target: typescript.ScriptTarget.ES2022,
    module: typescript.ModuleKind.ESNext,
    strict: true,
    noEmit: true,
    types: [],
    moduleDetection: typescript.ModuleDetectionKind.Force,
  };
  const host = typescript.createCompilerHost(options);
  const sourceFile = typescript.createSourceFile(fileName, source, typescript.ScriptTarget.ES2022, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) => (name === fileName ? sourceFile : getSourceFile(name, languageVersion, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const checker = typescript.createProgram([fileName], options, host).getTypeChecker();
  const types = new Map<string, string>();
  for (const statement of sourceFile.statements) {
    if (!typescript.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!typescript.isIdentifier(declaration.name)) continue;
      const name = declaration.name.text;
      if (declaration.type) {
        types.set(name, declaration.type.getText(sourceFile));
        continue;
      }
      const type = checker.getBaseTypeOfLiteralType(checker.getTypeAtLocation(declaration.name));
      const text = checker.typeToString(checker.getWidenedType(type), undefined, typescript.TypeFormatFlags.NoTruncation);
      if (!/\bany\b/.test(text)) types.set(name, text);
    }
  }
  return types;
}

/** The source of the injected cell: one typed `const` per parameter. */
export function injectedParametersSource(parameters: Array<[string, ParameterValue]>, types: Map<string, string>): string {
  const lines = ["// Parameters injected by tskeras run -p"];
  for (const [name, value] of parameters) {
    const type = types.get(name);
    lines.push(`const ${name}${type ? `: ${type}` : ""} = ${JSON.stringify(value)};`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Puts the parameters into the notebook, papermill's way: a cell tagged `injected-parameters` right
 * after the cell tagged `parameters` (at the top if there is none), replacing an earlier injected
 * cell. Returns warnings for the user (no parameters cell, names the parameters cell lacks).
 */
export async function injectParameters(notebook: Notebook, parameters: Array<[string, ParameterValue]>): Promise<string[]> {
  const warnings: string[] = [];
  notebook.cells = notebook.cells.filter(
    (cell) => !(cell.cell_type === "code" && (cell.metadata.tags as string[] | undefined)?.includes(injectedParametersTag)),
  );
  const parametersIndex = notebook.cells.findIndex(
    (cell) => cell.cell_type === "code" && (cell.metadata.tags as string[] | undefined)?.includes(parametersTag),
  );
  let types = new Map<string, string>();
  if (parametersIndex < 0) warnings.push(`no cell is tagged "${parametersTag}": the parameters are injected at the top, untyped`);
  else {
    const { default: typescript } = await import("typescript");
    types = declaredParameterTypes(typescript, joinSource(notebook.cells[parametersIndex]!.source));
    for (const [name] of parameters)
      if (!types.has(name)) warnings.push(`parameter "${name}" is not declared (with a known type) in the "${parametersTag}" cell: injected untyped`);
  }
  const cell: CodeCell = {
    cell_type: "code",
    id: "injected-parameters",
    metadata: { tags: [injectedParametersTag] },
    execution_count: null,
    outputs: [],
    source: splitLines(injectedParametersSource(parameters, types)),
  };
  notebook.cells.splice(parametersIndex + 1, 0, cell);
  return warnings;
}
