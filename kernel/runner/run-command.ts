import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../../lib/io/atomic-file.js";
import type { ChildJob } from "./child.js";
import { compareNotebook, defaultCheckOptions, type CheckOptions } from "./check/compare-notebook.js";
import { junitXml, type NotebookReport } from "./check/junit-report.js";
import { readSanitizers } from "./check/sanitizers.js";
import { failureReport, formatTable, summaryLine, summaryTable } from "./check/text-report.js";
import { serializeNotebook, type Notebook } from "./notebook-format.js";
import { checkParameterName, parseParameterValue, type ParameterValue } from "./parameters.js";

const childScript = fileURLToPath(new URL("./child.js", import.meta.url));

export const runUsage = `usage: tskeras run NOTEBOOK.ipynb|FOLDER [...] [options]

Executes notebooks headless (no Python or Jupyter needed), each in a fresh process, and writes the
executed notebooks. A FOLDER stands for the .ipynb files directly in it.

  --output DIR        where executed notebooks go (default: next to each, as NAME.executed.ipynb;
                      under --check/--update a temporary folder, kept and named when a check fails)
  --html              also write a self-contained HTML report next to each executed notebook
  -p, --parameter NAME VALUE
                      papermill-style parameter: injected after the cell tagged "parameters" as a
                      cell tagged "injected-parameters" holding \`const NAME: TYPE = VALUE;\`, TYPE
                      taken from the parameters cell. VALUE is JSON (3, true, "x", [1,2]); text that
                      is not JSON is a string.
  -j, --jobs N        notebooks run in parallel (default: the number of CPU cores)

Regression checking (nbval-style):
  --check             compare every output with the committed one after normalization; exit 0 only
                      if every checked cell matches
  --update            rewrite the committed outputs with the fresh ones (after a reviewed change)
  --lax               compare only cells tagged nbval-check-output (// NBVAL_CHECK_OUTPUT)
  --sanitize FILE     extra regex → replacement rules ("regex: ..." / "replace: ..." line pairs;
                      nbval's --sanitize-with files work as they are)
  --float-digits N    significant digits floats are compared to (default ${defaultCheckOptions.floatDigits}; 0: ignore floats)
  --junit FILE        write a JUnit XML report, one test case per code cell

Cell markers (tags, or the same name as a first-line comment such as // NBVAL_IGNORE_OUTPUT):
  nbval-ignore-output, nbval-skip, raises-exception / nbval-raises-exception, nbval-check-output.
Images are not compared (only their presence); text/html is compared by tag structure and text.
Exit code: 0 when everything ran (and matched under --check), 1 otherwise, 2 on bad usage.`;

interface RunOptions {
  notebooks: string[];
  outputDirectory?: string;
  html: boolean;
  mode: "run" | "check" | "update";
  check: CheckOptions;
  junit?: string;
  parameters: Array<[string, ParameterValue]>;
  jobs: number;
}

class UsageError extends Error {}

/** Notebooks named on the command line; a folder contributes its own .ipynb files (not executed copies). */
function expandNotebooks(paths: string[]): string[] {
  const notebooks: string[] = [];
  for (const path of paths) {
    if (existsSync(path) && statSync(path).isDirectory()) {
      const found = readdirSync(path)
        .filter((name) => name.endsWith(".ipynb") && !name.endsWith(".executed.ipynb"))
        .sort()
        .map((name) => join(path, name));
      if (found.length === 0) throw new UsageError(`${path} holds no .ipynb notebooks`);
      notebooks.push(...found);
    } else notebooks.push(path);
  }
  return notebooks;
}

function parseArguments(args: string[]): RunOptions {
  const options: RunOptions = { notebooks: [], html: false, mode: "run", check: { ...defaultCheckOptions }, parameters: [], jobs: availableParallelism() };
  const value = (index: number, option: string): string => {
    const next = args[index];
    if (next === undefined) throw new UsageError(`${option} needs a value`);
    return next;
  };
  const paths: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const argument = args[index]!;
    switch (argument) {
      case "--output":
        options.outputDirectory = value(++index, argument);
        break;
      case "--html":
        options.html = true;
        break;
      case "--check":
      case "--update":
        if (options.mode !== "run" && options.mode !== argument.slice(2))
          throw new UsageError("--check and --update exclude each other: check first, update after reviewing the differences");
        options.mode = argument.slice(2) as "check" | "update";
        break;
      case "--lax":
        options.check.lax = true;
        break;
      case "--sanitize":
      case "--sanitize-with":
        options.check.sanitizers.push(...readSanitizers(value(++index, argument)));
        break;
      case "--float-digits": {
        const digits = Number(value(++index, argument));
        if (!Number.isInteger(digits) || digits < 0 || digits > 17)
          throw new UsageError(`--float-digits takes a whole number from 0 to 17, got ${args[index]}`);
        options.check.floatDigits = digits;
        break;
      }
      case "--junit":
        options.junit = value(++index, argument);
        break;
      case "-p":
      case "--parameter": {
        const name = value(++index, argument);
        checkParameterName(name);
        options.parameters.push([name, parseParameterValue(value(++index, `${argument} ${name}`))]);
        break;
      }
      case "-j":
      case "--jobs": {
        const jobs = Number(value(++index, argument));
        if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs takes a whole number of at least 1, got ${args[index]}`);
        options.jobs = jobs;
        break;
      }
      default:
        if (argument.startsWith("-")) throw new UsageError(`unknown option ${argument}`);
        paths.push(argument);
    }
  }
  options.check.sanitizers = [...options.check.sanitizers];
  if (paths.length === 0) throw new UsageError("no notebook given");
  if (options.junit && options.mode !== "check") throw new UsageError("--junit reports a --check run; add --check");
  if (options.mode === "update" && options.parameters.length)
    throw new UsageError("--update with -p would commit the injected parameters; run without -p to update");
  options.notebooks = expandNotebooks(paths);
  return options;
}

interface ChildResult {
  code: number;
  /** The child's stderr, when it was collected rather than shown live. */
  log: string;
}

function runChild(job: ChildJob, live: boolean): Promise<ChildResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [childScript, JSON.stringify(job)], { stdio: ["ignore", live ? "inherit" : "ignore", live ? "inherit" : "pipe"] });
    let log = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (log += chunk));
    child.on("exit", (code, signal) => resolvePromise({ code: code ?? (signal ? 1 : 0), log }));
  });
}

/** Runs `work` over the items with at most `limit` at once, keeping results in item order. */
async function inParallel<Item, Result>(items: Item[], limit: number, work: (item: Item, index: number) => Promise<Result>): Promise<Result[]> {
  const results: Result[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const readNotebook = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Notebook;

/** `tskeras run`: returns the process exit code. */
export async function runCommand(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(runUsage);
    return 0;
  }
  let options: RunOptions;
  try {
    options = parseArguments(args);
  } catch (error) {
    // Bad arguments (a parameter name, an unreadable sanitizers file): usage errors, exit code 2.
    const message = (error as Error).message;
    console.error(error instanceof UsageError ? `tskeras run: ${message}\n\n${runUsage}` : `tskeras run: ${message}`);
    return 2;
  }
  const { notebooks, mode } = options;
  const concurrency = Math.min(options.jobs, notebooks.length);
  // One notebook at a time shows each cell's progress live; in parallel, one line per notebook.
  const live = concurrency === 1;
  const many = notebooks.length > 1;
  let finished = 0;
  const reports = await inParallel(notebooks, concurrency, async (notebook): Promise<NotebookReport & { ok: boolean; verdict?: string }> => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    if (!existsSync(notebook)) {
      const message = `${notebook} does not exist`;
      console.error(`tskeras run: ${message}`);
      return { path: notebook, seconds: 0, cells: [], error: message, ok: false };
    }
    const name = basename(notebook, ".ipynb");
    const notebookFolder = dirname(resolve(notebook));
    let output: string;
    let scratch: string | undefined;
    if (options.outputDirectory !== undefined) {
      mkdirSync(resolve(options.outputDirectory), { recursive: true });
      output = join(resolve(options.outputDirectory), `${name}.ipynb`);
    } else if (mode !== "run") {
      scratch = mkdtempSync(join(tmpdir(), "tskeras-check-"));
      output = join(scratch, `${name}.ipynb`);
    } else output = join(notebookFolder, `${name}.executed.ipynb`); // never overwrite the notebook that was run
    if (output === resolve(notebook)) output = join(notebookFolder, `${name}.executed.ipynb`);
    const html = options.html ? output.replace(/(\.executed)?\.ipynb$/, ".html") : undefined;
    if (live) console.log(`tskeras run: ${notebook}`);
    const job: ChildJob = { notebook: resolve(notebook), output, html, honorSkip: mode !== "run", parameters: options.parameters };
    const { code, log } = await runChild(job, live);
    const counter = many ? `[${++finished}/${notebooks.length}] ` : "";

    if (mode === "run") {
      if (!live && code !== 0) process.stderr.write(log);
      console.log(
        `${live ? "  " : counter}${code === 0 ? "ok" : "FAILED"} → ${output}${html ? ` and ${html}` : ""}${live ? "" : `  (${notebook}, ${seconds().toFixed(1)}s)`}`,
      );
      return { path: notebook, seconds: seconds(), cells: [], ok: code === 0, verdict: code === 0 ? "ok" : "FAILED" };
    }

    if (code === 2 || !existsSync(output)) {
      if (!live) process.stderr.write(log);
      const report = {
        path: notebook,
        seconds: seconds(),
        cells: [],
        error: `could not run: ${log.trim().split("\n").pop() ?? `exit code ${code}`}`,
        ok: false,
      };
      console.log(`${counter}${summaryLine(report)}`);
      return report;
    }
    const executed = readNotebook(output);
    const cells = compareNotebook(readNotebook(notebook), executed, options.check);
    const report: NotebookReport & { ok: boolean; verdict?: string } = { path: notebook, seconds: seconds(), cells, ok: false };
    if (mode === "update") {
      const changed = cells.filter((cell) => cell.status === "failed" && cell.reason === "outputs differ from the committed ones").length;
      if (code === 0) {
        writeFileAtomic(resolve(notebook), serializeNotebook(executed));
        console.log(`${counter}UPDATED ${notebook}  ${changed} cell(s) with new outputs (${report.seconds.toFixed(1)}s)`);
        report.ok = true;
        report.verdict = "UPDATED";
      } else {
        if (!live) process.stderr.write(log);
        console.log(`${counter}NOT UPDATED ${notebook}: a cell failed, so the committed outputs are kept`);
        report.verdict = "NOT UPDATED";
        const failure = failureReport({ ...report, cells: cells.filter((cell) => cell.reason !== "outputs differ from the committed ones") });
        if (failure) console.log(failure);
      }
    } else {
      report.ok = !cells.some((cell) => cell.status === "failed");
      console.log(`${counter}${summaryLine(report)}`);
      if (!report.ok) {
        console.log(failureReport(report));
        console.log(`  executed notebook: ${output}`);
      }
    }
    if (scratch && report.ok) rmSync(scratch, { recursive: true, force: true });
    return report;
  });

  if (many && mode === "check") console.log(`\n${summaryTable(reports)}`);
  else if (many)
    console.log(
      `\n${formatTable(
        ["", "notebook", "time"],
        reports.map((report) => [report.verdict ?? "FAILED", report.path, `${report.seconds.toFixed(1)}s`]),
        2,
      )}`,
    );
  if (options.junit) {
    mkdirSync(dirname(resolve(options.junit)), { recursive: true });
    writeFileAtomic(resolve(options.junit), junitXml(reports));
    console.log(`JUnit report: ${options.junit}`);
  }
  return reports.every((report) => report.ok) ? 0 : 1;
}
