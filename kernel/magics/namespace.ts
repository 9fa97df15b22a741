import { inspect } from "node:util";
import type { MagicContext, MagicDefinition } from "../../lib/magics/registry.js";
import { UsageError } from "../../lib/magics/registry.js";

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "function") return /^class\s/.test(Function.prototype.toString.call(value)) ? "class" : "function";
  if (typeof value === "object") return (value as object).constructor?.name ?? "Object";
  return typeof value;
}

function describe(value: unknown): string {
  const text = inspect(value, { colors: false, depth: 0, breakLength: Infinity, maxArrayLength: 10 }).replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function userValues(context: MagicContext): Array<[string, unknown]> {
  const scope = globalThis as Record<string, unknown>;
  return context
    .userNames()
    .filter((name) => name in scope)
    .sort()
    .map((name) => [name, scope[name]]);
}

export const namespaceMagics: MagicDefinition[] = [
  {
    name: "who",
    help: "%who lists the names your cells defined.",
    line: (_line, context) => {
      const names = userValues(context).map(([name]) => name);
      context.print(names.length ? `${names.join("\t")}\n` : "Interactive namespace is empty.\n");
    },
  },
  {
    name: "whos",
    help: "%whos lists the names your cells defined with their types and values.",
    line: (_line, context) => {
      const rows = userValues(context).map(([name, value]) => [name, typeName(value), describe(value)] as const);
      if (rows.length === 0) {
        context.print("Interactive namespace is empty.\n");
        return;
      }
      const nameWidth = Math.max(8, ...rows.map(([name]) => name.length)) + 3;
      const typeWidth = Math.max(4, ...rows.map(([, type]) => type.length)) + 4;
      const header = `${"Variable".padEnd(nameWidth)}${"Type".padEnd(typeWidth)}Data/Info`;
      const lines = rows.map(([name, type, info]) => `${name.padEnd(nameWidth)}${type.padEnd(typeWidth)}${info}`);
      context.print(`${header}\n${"-".repeat(header.length + 6)}\n${lines.join("\n")}\n`);
    },
  },
  {
    name: "reset",
    help: "%reset -f forgets every name your cells defined (without -f it asks you to confirm with -f).",
    line: (line, context) => {
      if (!/(^|\s)-f(\s|$)/.test(line)) throw new UsageError("%reset deletes all variables: run %reset -f to confirm.");
      context.resetNamespace();
      context.print("Namespace cleared.\n");
    },
  },
];
