import { readdirSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../lib/util/package-root.js";
import { runCommand } from "./run-command.js";

/**
 * `npm start` / `tskeras start`: runs every tutorial notebook headless and says where the executed
 * notebooks and their HTML reports are.
 */
export async function startCommand(args: string[]): Promise<number> {
  const notebooksDirectory = join(packageRoot, "notebooks");
  const outputDirectory = args[0] ?? join(packageRoot, "build", "notebooks");
  const notebooks = readdirSync(notebooksDirectory)
    .filter((name) => name.endsWith(".ipynb"))
    .sort()
    .map((name) => join(notebooksDirectory, name));
  if (notebooks.length === 0) {
    console.error(`tskeras start: no notebooks in ${notebooksDirectory}`);
    return 1;
  }
  const code = await runCommand([...notebooks, "--output", outputDirectory, "--html"]);
  console.log(`\nExecuted notebooks and HTML reports: ${outputDirectory}`);
  console.log(
    `Open one in a browser, e.g. file://${join(
      outputDirectory,
      notebooks[0]!
        .split("/")
        .pop()!
        .replace(/\.ipynb$/, ".html"),
    )}`,
  );
  return code;
}
