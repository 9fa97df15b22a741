import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const kernelName = "tskeras";

export const installUsage = `usage: tskeras install [--user | --sys-prefix | --prefix PREFIX]

Writes the Jupyter kernelspec "${kernelName}" (display name "TypeScript (tskeras)"):
  --user        ~/.local/share/jupyter/kernels/${kernelName} (default; $JUPYTER_DATA_DIR if set)
  --sys-prefix  /usr/share/jupyter/kernels/${kernelName} (Debian's Jupyter lives in /usr)
  --prefix P    P/share/jupyter/kernels/${kernelName}`;

/** The kernelspec: the kernel runs with this Node and this package's CLI, wherever it was installed from. */
export function kernelSpec(): Record<string, unknown> {
  const cli = fileURLToPath(new URL("./cli.js", import.meta.url));
  return {
    argv: [process.execPath, cli, "kernel", "--connection-file", "{connection_file}"],
    display_name: "TypeScript (tskeras)",
    language: "typescript",
    interrupt_mode: "message",
    env: {},
    metadata: { debugger: false },
  };
}

/** Our logo (kernel/logos; scripts/render-logos.mjs makes the PNGs from the SVG). From dist/kernel/ it is two folders up. */
const logosFolder = new URL("../../kernel/logos/", import.meta.url);
export const kernelLogos = ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"];

export function kernelsDirectory(args: string[]): string {
  const prefixIndex = args.indexOf("--prefix");
  if (prefixIndex >= 0) {
    const prefix = args[prefixIndex + 1];
    if (!prefix) throw new Error(`--prefix needs a folder.\n${installUsage}`);
    return join(prefix, "share", "jupyter", "kernels");
  }
  if (args.includes("--sys-prefix")) return join("/usr", "share", "jupyter", "kernels");
  const dataDirectory = process.env.JUPYTER_DATA_DIR || join(process.env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "jupyter");
  return join(dataDirectory, "kernels");
}

/** `tskeras install`: returns the folder written. */
export function installKernelSpec(args: string[]): string {
  const unknown = args.filter((arg, index) => !["--user", "--sys-prefix", "--prefix"].includes(arg) && args[index - 1] !== "--prefix");
  if (unknown.length) throw new Error(`unknown option ${unknown[0]}\n${installUsage}`);
  const directory = join(kernelsDirectory(args), kernelName);
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, "kernel.json"), `${JSON.stringify(kernelSpec(), null, 2)}\n`);
  // The launcher's icons (Jupyter looks for these names beside kernel.json).
  for (const logo of kernelLogos) copyFileSync(fileURLToPath(new URL(logo, logosFolder)), join(directory, logo));
  return directory;
}
