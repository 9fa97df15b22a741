import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { resolve } from "node:path";
import type { MagicDefinition } from "../../lib/magics/registry.js";
import { UsageError } from "../../lib/magics/registry.js";
import { unquote } from "./arguments.js";

export const fileMagics: MagicDefinition[] = [
  {
    name: "writefile",
    help: "%%writefile [-a] PATH writes (or with -a appends) the cell's body to PATH.",
    cell: (line, body, context) => {
      const append = /^-a\s+/.test(line);
      const path = unquote(append ? line.replace(/^-a\s+/, "") : line);
      if (!path) throw new UsageError("%%writefile needs a file name, e.g. %%writefile data.csv");
      const target = resolve(path);
      const text = body.endsWith("\n") ? body : `${body}\n`;
      if (append) {
        context.print(`Appending to ${path}\n`);
        appendFileSync(target, text);
      } else {
        context.print(`${existsSync(target) ? "Overwriting" : "Writing"} ${path}\n`);
        writeFileSync(target, text);
      }
    },
  },
  {
    name: "cd",
    help: "%cd [DIR] changes the current directory (home without an argument) and prints it.",
    line: (line, context) => {
      const target = resolve(unquote(line) || homedir());
      if (!existsSync(target)) throw new UsageError(`%cd: no such directory: ${line}`);
      process.chdir(target);
      context.print(`${process.cwd()}\n`);
    },
  },
  {
    name: "pwd",
    help: "%pwd returns the current directory.",
    line: () => process.cwd(),
  },
  {
    name: "env",
    help: "%env lists environment variables; %env NAME shows one; %env NAME=VALUE (or NAME VALUE) sets one.",
    line: (line, context) => {
      if (!line) return { ...process.env };
      const assignment = /^([A-Za-z_][\w]*)\s*(?:=\s*|\s+)(.*)$/.exec(line);
      if (assignment) {
        process.env[assignment[1]!] = assignment[2]!;
        context.print(`env: ${assignment[1]}=${assignment[2]}\n`);
        return undefined;
      }
      const value = process.env[line];
      if (value === undefined) throw new UsageError(`Environment does not have key: ${line}`);
      return value;
    },
  },
];
