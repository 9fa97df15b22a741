import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const childScript = fileURLToPath(new URL("./child.js", import.meta.url));

export const runUsage = `usage: tskeras run NOTEBOOK.ipynb [...] [--output DIR] [--html]

Executes notebooks headless (no Python or Jupyter needed), one fresh process per notebook, and
writes the executed notebooks (and with --html a self-contained HTML report next to each).
Without --output, results go next to each notebook as NAME.executed.ipynb / NAME.html.
Exit code 1 if any cell failed (cells tagged "raises-exception" may fail).`;

function runChild(notebook: string, output: string, html: string | undefined): Promise<number> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [childScript, notebook, output, ...(html ? [html] : [])], { stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
  });
}

/** `tskeras run`: returns the process exit code. */
export async function runCommand(args: string[]): Promise<number> {
  const notebooks: string[] = [];
  let outputDirectory: string | undefined;
  let html = false;
  for (let index = 0; index < args.length; index++) {
    const argument = args[index]!;
    if (argument === "--output") outputDirectory = args[++index];
    else if (argument === "--html") html = true;
    else if (argument === "--help" || argument === "-h") {
      console.log(runUsage);
      return 0;
    } else if (argument.startsWith("-")) {
      console.error(`tskeras run: unknown option ${argument}\n${runUsage}`);
      return 2;
    } else notebooks.push(argument);
  }
  if (notebooks.length === 0 || (outputDirectory === undefined && args.includes("--output"))) {
    console.error(runUsage);
    return 2;
  }
  let failures = 0;
  for (const notebook of notebooks) {
    if (!existsSync(notebook)) {
      console.error(`tskeras run: ${notebook} does not exist`);
      failures++;
      continue;
    }
    const name = basename(notebook, ".ipynb");
    const directory = outputDirectory ? resolve(outputDirectory) : dirname(resolve(notebook));
    mkdirSync(directory, { recursive: true });
    // Never overwrite the notebook that was run: same folder means a NAME.executed.ipynb beside it.
    const sameFolder = directory === dirname(resolve(notebook));
    const output = join(directory, sameFolder ? `${name}.executed.ipynb` : `${name}.ipynb`);
    const htmlPath = html ? join(directory, `${name}.html`) : undefined;
    console.log(`tskeras run: ${notebook}`);
    const code = await runChild(resolve(notebook), output, htmlPath);
    console.log(`  ${code === 0 ? "ok" : "FAILED"} → ${output}${htmlPath ? ` and ${htmlPath}` : ""}`);
    if (code !== 0) failures++;
  }
  return failures === 0 ? 0 : 1;
}
