import { spawn } from "node:child_process";
import type { MagicContext, MagicDefinition } from "../../lib/magics/registry.js";
import { UsageError } from "../../lib/magics/registry.js";

/**
 * Runs a shell command in the notebook's current directory, streaming its output into the cell.
 * With `capture`, returns the output lines instead (`const files = !ls`).
 */
export function runShell(command: string, context: MagicContext, options: { shell?: string; capture?: boolean } = {}): Promise<string[] | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.shell ?? "/bin/sh", ["-c", command], { cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
    let captured = "";
    child.stdout.on("data", (chunk: Buffer) => {
      if (options.capture) captured += chunk.toString("utf8");
      else context.print(chunk.toString("utf8"));
    });
    child.stderr.on("data", (chunk: Buffer) => process.stderr.write(chunk.toString("utf8")));
    child.on("error", (error) => reject(new UsageError(`Could not start ${options.shell ?? "/bin/sh"}: ${error.message}`)));
    child.on("close", () => resolve(options.capture ? captured.split("\n").filter((line, index, all) => line !== "" || index < all.length - 1) : undefined));
  });
}

export const shellMagics: MagicDefinition[] = [
  {
    name: "!",
    help: "!COMMAND runs a shell command in the notebook's folder; `const lines = !COMMAND` captures its output lines.",
    line: (line, context) => {
      if (!line) throw new UsageError("! needs a command, e.g. !ls -l");
      return runShell(line, context);
    },
  },
  {
    name: "bash",
    help: "%%bash runs the cell's body with bash.",
    cell: async (_line, body, context) => {
      await runShell(body, context, { shell: "/bin/bash" });
    },
  },
  {
    name: "sh",
    help: "%%sh runs the cell's body with /bin/sh.",
    cell: async (_line, body, context) => {
      await runShell(body, context);
    },
  },
  {
    name: "ls",
    help: "%ls [ARGS] lists files (runs ls).",
    line: async (line, context) => {
      await runShell(`ls ${line}`, context);
    },
  },
];
