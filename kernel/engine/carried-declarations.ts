import type ts from "typescript";

/**
 * The types of everything earlier cells declared, carried into later cells.
 *
 * After a cell runs, its declaration output (`.d.ts`, emitted with every top-level name exported) is
 * split per name. Later cells see those names through one virtual module file whose body is a
 * `declare global { … }` block, so a later cell may shadow any of them (its own top-level names are
 * module-scoped) and may assign to a carried `let`. Imports are carried separately, per local name,
 * because a global block cannot re-export a module binding with both its value and type meanings:
 * they are appended to each later cell (imports are hoisted, so appending keeps line numbers) and
 * written at the top of the globals file so the carried declarations can refer to them.
 */
export class CarriedDeclarations {
  /** local name → an import statement that binds exactly that name */
  private readonly imports = new Map<string, string>();
  /** local name → declaration texts (several for function overloads) */
  private readonly declarations = new Map<string, string[]>();

  constructor(private readonly typescript: typeof ts) {}

  /** Names known from earlier cells, imports included. */
  names(): string[] {
    return [...new Set([...this.imports.keys(), ...this.declarations.keys()])];
  }

  has(name: string): boolean {
    return this.imports.has(name) || this.declarations.has(name);
  }

  /** Imports to append to a cell, leaving out the names the cell declares itself. */
  importsFor(cellNames: ReadonlySet<string>): string {
    const lines: string[] = [];
    for (const [name, text] of this.imports) if (!cellNames.has(name)) lines.push(text);
    return lines.join("\n");
  }

  /** Text of the virtual globals module. */
  globalsFileText(): string {
    const body: string[] = [];
    for (const texts of this.declarations.values()) body.push(...texts);
    return `${[...this.imports.values()].join("\n")}\ndeclare global {\n${body.join("\n")}\n}\nexport {};\n`;
  }

  forget(names: Iterable<string>): void {
    for (const name of names) {
      this.imports.delete(name);
      this.declarations.delete(name);
    }
  }

  reset(): void {
    this.imports.clear();
    this.declarations.clear();
  }

  /**
   * Records what a cell declared.
   * @param cell the cell's parsed source (its own import declarations are read from it)
   * @param declarationText the cell's emitted `.d.ts`
   * @param cellLength length of the user's text; statements after it are carried imports
   */
  record(cell: ts.SourceFile, declarationText: string, cellLength: number): void {
    const t = this.typescript;
    for (const statement of cell.statements) {
      if (statement.getStart(cell) >= cellLength || !t.isImportDeclaration(statement)) continue;
      for (const [name, text] of importsByName(t, statement)) {
        this.declarations.delete(name);
        this.imports.set(name, text);
      }
    }
    const declarations = t.createSourceFile("cell.d.mts", declarationText, t.ScriptTarget.ES2022, true);
    const fresh = new Map<string, string[]>();
    const add = (name: string, text: string) => {
      const list = fresh.get(name) ?? [];
      list.push(text);
      fresh.set(name, list);
    };
    for (const statement of declarations.statements) {
      if (t.isImportDeclaration(statement) || t.isExportDeclaration(statement) || t.isExportAssignment(statement)) continue;
      const leading = leadingComment(declarations.text, statement);
      if (t.isVariableStatement(statement)) {
        const keyword = statement.declarationList.flags & t.NodeFlags.Const ? "const" : statement.declarationList.flags & t.NodeFlags.Let ? "let" : "var";
        for (const declaration of statement.declarationList.declarations) {
          if (t.isIdentifier(declaration.name)) add(declaration.name.text, `${leading}${keyword} ${declaration.getText()};`);
        }
        continue;
      }
      const name = (statement as ts.DeclarationStatement).name;
      if (!name || !t.isIdentifier(name)) continue;
      add(name.text, leading + withoutModifiers(t, statement));
    }
    for (const [name, texts] of fresh) {
      this.imports.delete(name);
      this.declarations.set(name, texts);
    }
  }
}

/** One import statement per bound name, so a later cell can drop exactly the names it redeclares. */
function importsByName(t: typeof ts, statement: ts.ImportDeclaration): Array<[string, string]> {
  const clause = statement.importClause;
  const from = statement.moduleSpecifier.getText();
  const attributes = statement.attributes ? ` ${statement.attributes.getText()}` : "";
  if (!clause) return [];
  const typeOnly = clause.isTypeOnly ? "type " : "";
  const result: Array<[string, string]> = [];
  if (clause.name) result.push([clause.name.text, `import ${typeOnly}${clause.name.text} from ${from}${attributes};`]);
  const bindings = clause.namedBindings;
  if (bindings && t.isNamespaceImport(bindings)) {
    result.push([bindings.name.text, `import ${typeOnly}* as ${bindings.name.text} from ${from}${attributes};`]);
  } else if (bindings) {
    for (const element of bindings.elements) {
      const elementTypeOnly = element.isTypeOnly ? "type " : "";
      const imported = element.propertyName ? `${element.propertyName.getText()} as ${element.name.text}` : element.name.text;
      result.push([element.name.text, `import ${typeOnly}{ ${elementTypeOnly}${imported} } from ${from}${attributes};`]);
    }
  }
  return result;
}

function leadingComment(text: string, node: ts.Node): string {
  const comment = text.slice(node.pos, node.getStart()).trim();
  return comment ? `${comment}\n` : "";
}

/** `declare`/`export` are not allowed (or meaningful) inside `declare global`. */
function withoutModifiers(t: typeof ts, statement: ts.Statement): string {
  const text = statement.getText();
  const modifiers = t.canHaveModifiers(statement) ? (t.getModifiers(statement) ?? []) : [];
  let cut = 0;
  for (const modifier of modifiers) {
    if (modifier.kind === t.SyntaxKind.DeclareKeyword || modifier.kind === t.SyntaxKind.ExportKeyword || modifier.kind === t.SyntaxKind.DefaultKeyword) {
      cut = modifier.end - statement.getStart();
    }
  }
  return text.slice(cut).trimStart();
}
