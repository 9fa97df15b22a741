import type ts from "typescript";

/** Name of the host object cells call into (`__tskeras.importModule(...)`); set on globalThis by the engine. */
export const hostObjectName = "__tskeras";

export interface CellTransformResult {
  /** Top-level names the cell binds; they become global variables so later cells see them. */
  hoistedNames: Set<string>;
  /** True when the last statement is an expression whose value is the cell's result. */
  hasResult: boolean;
}

/**
 * Rewrites a cell so its top-level bindings outlive it. The emitted JavaScript runs as the body of
 * an async function (so top-level await works), and state must persist across cells, so:
 * - `const/let/var x = e` becomes the assignment `x = e` to a global `var x` declared outside;
 * - `function f` becomes `f = function f` (placed first, keeping hoisting), `class C` becomes `C = class C`;
 * - enums and namespaces keep their own emit and are copied to the global object afterwards;
 * - imports become `await __tskeras.importModule(spec)` so ESM-only packages load and resolution
 *   starts at the notebook's directory;
 * - the last expression statement becomes `return (expr)`: the cell's result.
 * Statements at or after `cellLength` are imports carried from earlier cells for type checking only.
 */
export function createCellTransformer(
  t: typeof ts,
  checker: ts.TypeChecker,
  cellLength: number,
  result: CellTransformResult,
): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (sourceFile) => {
    const f = context.factory;
    const hoisted = result.hoistedNames;
    const functionAssignments: ts.Statement[] = [];
    const body: ts.Statement[] = [];
    const userStatements = sourceFile.statements.filter((statement) => statement.getStart(sourceFile) < cellLength);
    let importCounter = 0;

    const assign = (name: string, value: ts.Expression): ts.Statement => f.createExpressionStatement(f.createAssignment(f.createIdentifier(name), value));
    const copyToGlobal = (name: string): ts.Statement =>
      f.createExpressionStatement(f.createAssignment(f.createPropertyAccessExpression(f.createIdentifier("globalThis"), name), f.createIdentifier(name)));

    const hasValueMeaning = (identifier: ts.Identifier): boolean => {
      const symbol = checker.getSymbolAtLocation(identifier);
      if (!symbol) return true;
      const target = symbol.flags & t.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      // An unresolved alias (unknown symbol) still gets bound: the runtime import decides.
      return target === symbol || (target.flags & t.SymbolFlags.Value) !== 0 || (target.flags & t.SymbolFlags.ValueModule) !== 0 || target.flags === 0;
    };

    const rewriteImport = (statement: ts.ImportDeclaration): ts.Statement[] => {
      const specifier = statement.moduleSpecifier;
      const load = f.createAwaitExpression(
        f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(hostObjectName), "importModule"), undefined, [
          f.createStringLiteral((specifier as ts.StringLiteral).text),
        ]),
      );
      const clause = statement.importClause;
      if (!clause) return [f.createExpressionStatement(load)];
      if (clause.isTypeOnly) return [];
      const bindings: Array<[string, ts.Expression]> = [];
      const namespaceName = `__tskeras_module_${importCounter++}`;
      const namespace = f.createIdentifier(namespaceName);
      if (clause.name && hasValueMeaning(clause.name)) bindings.push([clause.name.text, f.createPropertyAccessExpression(namespace, "default")]);
      const named = clause.namedBindings;
      if (named && t.isNamespaceImport(named)) bindings.push([named.name.text, namespace]);
      else if (named) {
        for (const element of named.elements) {
          if (element.isTypeOnly || !hasValueMeaning(element.name)) continue;
          const imported = element.propertyName ?? element.name;
          const access = t.isStringLiteral(imported)
            ? f.createElementAccessExpression(namespace, f.createStringLiteral(imported.text))
            : f.createPropertyAccessExpression(namespace, imported.text);
          bindings.push([element.name.text, access]);
        }
      }
      if (bindings.length === 0) return [];
      const statements: ts.Statement[] = [
        f.createVariableStatement(
          undefined,
          f.createVariableDeclarationList([f.createVariableDeclaration(namespace, undefined, undefined, load)], t.NodeFlags.Const),
        ),
      ];
      for (const [name, value] of bindings) {
        hoisted.add(name);
        statements.push(assign(name, value));
      }
      return statements;
    };

    const collectBindingNames = (name: ts.BindingName): void => {
      if (t.isIdentifier(name)) hoisted.add(name.text);
      else for (const element of name.elements) if (!t.isOmittedExpression(element)) collectBindingNames(element.name);
    };

    const assignmentTarget = (name: ts.BindingName): ts.Expression => {
      if (t.isIdentifier(name)) return f.createIdentifier(name.text);
      if (t.isObjectBindingPattern(name)) {
        return f.createObjectLiteralExpression(
          name.elements.map((element) => {
            const target = assignmentTarget(element.name);
            if (element.dotDotDotToken) return f.createSpreadAssignment(target);
            if (!element.propertyName && t.isIdentifier(element.name)) {
              return f.createShorthandPropertyAssignment(element.name.text, element.initializer);
            }
            const value = element.initializer ? f.createAssignment(target, element.initializer) : target;
            return f.createPropertyAssignment(element.propertyName ?? f.createIdentifier((element.name as ts.Identifier).text), value);
          }),
        );
      }
      return f.createArrayLiteralExpression(
        name.elements.map((element) => {
          if (t.isOmittedExpression(element)) return f.createOmittedExpression();
          const target = assignmentTarget(element.name);
          if (element.dotDotDotToken) return f.createSpreadElement(target);
          return element.initializer ? f.createAssignment(target, element.initializer) : target;
        }),
      );
    };

    const isAmbient = (statement: ts.Statement): boolean =>
      t.canHaveModifiers(statement) && (t.getModifiers(statement) ?? []).some((modifier) => modifier.kind === t.SyntaxKind.DeclareKeyword);

    const runtimeModifiers = (node: ts.HasModifiers): ts.ModifierLike[] | undefined => {
      const kept = (node.modifiers ?? []).filter((modifier) => t.isDecorator(modifier) || modifier.kind === t.SyntaxKind.AsyncKeyword);
      return kept.length ? kept : undefined;
    };

    const lastIndex = userStatements.length - 1;
    userStatements.forEach((statement, index) => {
      if (isAmbient(statement)) return;
      if (t.isImportDeclaration(statement)) {
        body.push(...rewriteImport(statement));
      } else if (t.isExportDeclaration(statement) || t.isImportEqualsDeclaration(statement)) {
        // `export { a }` has no meaning in a cell; everything top-level is already shared.
      } else if (t.isExportAssignment(statement)) {
        body.push(
          index === lastIndex
            ? f.createReturnStatement(f.createParenthesizedExpression(statement.expression))
            : f.createExpressionStatement(statement.expression),
        );
        if (index === lastIndex) result.hasResult = true;
      } else if (t.isVariableStatement(statement)) {
        const isLexical = (statement.declarationList.flags & (t.NodeFlags.Let | t.NodeFlags.Const)) !== 0;
        for (const declaration of statement.declarationList.declarations) {
          collectBindingNames(declaration.name);
          if (declaration.initializer) {
            const target = assignmentTarget(declaration.name);
            const assignment = f.createAssignment(target, declaration.initializer);
            body.push(f.createExpressionStatement(t.isIdentifier(declaration.name) ? assignment : f.createParenthesizedExpression(assignment)));
          } else if (isLexical && t.isIdentifier(declaration.name)) {
            body.push(assign(declaration.name.text, f.createIdentifier("undefined")));
          }
        }
      } else if (t.isFunctionDeclaration(statement)) {
        if (!statement.body || !statement.name) return;
        hoisted.add(statement.name.text);
        functionAssignments.push(
          assign(
            statement.name.text,
            f.createFunctionExpression(
              runtimeModifiers(statement) as ts.Modifier[] | undefined,
              statement.asteriskToken,
              statement.name.text,
              statement.typeParameters,
              statement.parameters,
              statement.type,
              statement.body,
            ),
          ),
        );
      } else if (t.isClassDeclaration(statement) && statement.name) {
        hoisted.add(statement.name.text);
        body.push(
          assign(
            statement.name.text,
            f.createClassExpression(runtimeModifiers(statement), statement.name.text, statement.typeParameters, statement.heritageClauses, statement.members),
          ),
        );
      } else if ((t.isEnumDeclaration(statement) || t.isModuleDeclaration(statement)) && t.isIdentifier(statement.name)) {
        hoisted.add(statement.name.text);
        body.push(statement, copyToGlobal(statement.name.text));
      } else if (index === lastIndex && t.isExpressionStatement(statement)) {
        result.hasResult = true;
        // Parentheses keep a leading comment from putting a line break right after `return`.
        body.push(f.createReturnStatement(f.createParenthesizedExpression(statement.expression)));
      } else {
        body.push(statement);
      }
    });

    // `import(x)` anywhere in the cell goes through the same resolver as import declarations
    // (a vm script has no module loader of its own).
    const rewriteDynamicImports = <T extends ts.Node>(node: T): T => {
      if (t.isCallExpression(node) && node.expression.kind === t.SyntaxKind.ImportKeyword) {
        const call = f.createCallExpression(
          f.createPropertyAccessExpression(f.createIdentifier(hostObjectName), "importModule"),
          undefined,
          node.arguments.slice(0, 1).map((argument) => t.visitNode(argument, rewriteDynamicImports) as ts.Expression),
        );
        return call as unknown as T;
      }
      return t.visitEachChild(node, rewriteDynamicImports, context);
    };
    const statements = [...functionAssignments, ...body].map((statement) => t.visitNode(statement, rewriteDynamicImports) as ts.Statement);
    return f.updateSourceFile(sourceFile, statements);
  };
}

/**
 * Wraps emitted cell JavaScript into a script: global `var`s for the hoisted names, then an async
 * function holding the code. The prefix has no line break, so line numbers stay those of the cell.
 */
export function wrapCellScript(javascript: string, hoistedNames: Iterable<string>): { script: string; firstLineOffset: number } {
  const names = [...hoistedNames];
  const prefix = `${names.length ? `var ${names.join(", ")}; ` : ""}(async function () { "use strict"; `;
  return { script: `${prefix}${javascript}\n})()`, firstLineOffset: prefix.length };
}
