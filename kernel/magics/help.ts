import type { MagicDefinition } from "../../lib/magics/registry.js";
import { magicRegistry, UsageError } from "../../lib/magics/registry.js";

export const helpMagics: MagicDefinition[] = [
  {
    name: "lsmagic",
    help: "%lsmagic lists the available magics.",
    line: (_line, context) => {
      const all = allMagics();
      const line = all.filter((magic) => magic.line && magic.name !== "!").map((magic) => `%${magic.name}`);
      const cell = all.filter((magic) => magic.cell).map((magic) => `%%${magic.name}`);
      context.print(
        `Available line magics:\n${line.sort().join("  ")}\n\nAvailable cell magics:\n${cell.sort().join("  ")}\n\nShell: !COMMAND (and const out = !COMMAND). Help on one: %magic NAME.\n`,
      );
    },
  },
  {
    name: "magic",
    help: "%magic NAME shows the help of one magic; %magic alone lists them all with their help.",
    line: (line, context) => {
      const name = line.replace(/^%+/, "").trim();
      if (!name) {
        context.print(
          allMagics()
            .map((magic) => `${magic.name === "!" ? "!" : `%${magic.name}`}: ${magic.help}`)
            .join("\n") + "\n",
        );
        return;
      }
      const magic = magicRegistry().get(name);
      if (!magic) throw new UsageError(`No magic named %${name}. ${availableText()}`);
      context.print(`${magic.help}\n`);
    },
  },
];

function allMagics(): MagicDefinition[] {
  return [...magicRegistry().values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function availableText(): string {
  const names = allMagics().map((magic) => (magic.name === "!" ? "!" : magic.cell && !magic.line ? `%%${magic.name}` : `%${magic.name}`));
  return `Available magics: ${names.sort().join(", ")} (see %lsmagic).`;
}
