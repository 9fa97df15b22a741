import { createRequire } from "node:module";
import { join } from "node:path";
import { Script } from "node:vm";
import { clearOutput, display, settleDisplays } from "../../lib/display/display.js";
import { installDisplaySink } from "../../lib/display/sink.js";
import { formatValue } from "../../lib/display/format.js";
import type { CellCompiler } from "./cell-compiler.js";
import { hostObjectName, wrapCellScript } from "./cell-transform.js";
import { checkIsComplete } from "./is-complete.js";
import { completionType, documentationText } from "./documentation.js";
import { afterCell, importCellModule } from "./module-loader.js";
import { captureProcessOutput } from "./output-capture.js";
import { magicRegistry, registerMagic, UsageError, type MagicContext, type MagicDefinition } from "../../lib/magics/registry.js";
import { registerBuiltinMagics } from "../magics/builtin.js";
import { availableText } from "../magics/help.js";
import { preprocessCell } from "../magics/preprocess.js";
import { runShell } from "../magics/shell.js";
import { cellOrigins, installFaultHandlers, type CellOrigin, type FaultKind } from "./cell-faults.js";
import { compileErrorReport, runtimeErrorReport, scriptFileName, type CellSource } from "./traceback.js";
import type { CompleteOutcome, ExecuteOutcome, InspectOutcome, IsCompleteOutcome, LanguageEngine, OutputSink } from "./types.js";

export interface EngineOptions {
  outputs: OutputSink;
  workingDirectory: string;
}

/** Raised into a cell that the user interrupted; shown like Python's KeyboardInterrupt. */
export class KeyboardInterrupt extends Error {
  override name = "KeyboardInterrupt";
  constructor() {
    super("Execution interrupted by the user; variables defined so far are kept.");
  }
}

const keptCellSources = 500;

/** A cell that failed before or while running, with its Jupyter error report ready. */
class CellFailure extends Error {
  constructor(readonly report: { ename: string; evalue: string; traceback: string[] }) {
    super(report.evalue);
  }
}

/**
 * The TypeScript language engine: type-checks each cell against everything earlier cells declared,
 * runs it in the kernel's global scope (so state persists and objects stay plain Node objects), and
 * turns its last expression into a rich result.
 */
export class TypeScriptEngine implements LanguageEngine {
  private compiler: Promise<CellCompiler> | undefined;
  private compilerInstance: CellCompiler | undefined;
  private readonly cells = new Map<number, CellSource>();
  private nextScriptId = 1;
  private running: { interrupt(): void } | undefined;
  private typecheck = true;
  /** The execution count of the cell being run (its origin for work it leaves behind). */
  private executionCount = 0;

  constructor(private readonly options: EngineOptions) {
    const { outputs, workingDirectory } = options;
    captureProcessOutput(outputs);
    installDisplaySink({
      displayData: (data, metadata, transient, update) => outputs.displayData(data, metadata, transient, update),
      clearOutput: (wait) => outputs.clearOutput(wait),
    });
    Object.assign(globalThis, {
      [hostObjectName]: {
        importModule: (specifier: string) => importCellModule(specifier, workingDirectory),
        magic: (name: string, line: string, code?: () => Promise<unknown>, capture = false) => this.callLineMagic(name, line, code, capture, "In[ ]"),
      },
      display,
      clearOutput,
      registerMagic,
      // CommonJS habits keep working: require() resolves from the notebook's folder.
      require: createRequire(join(workingDirectory, "notebook.cjs")),
      prompt: (message?: string, defaultValue?: string) => {
        const answer = outputs.input(message ?? "", false);
        return answer === "" && defaultValue !== undefined ? defaultValue : answer;
      },
      input: (message?: string) => outputs.input(message ?? "", false),
    });
    registerBuiltinMagics([this.typecheckMagic()]);
    installFaultHandlers((error, kind, origin) => this.reportFault(error, kind, origin));
  }

  /**
   * An error no cell code could catch any more (a callback threw, a promise rejected with nobody
   * awaiting it): shown as stderr with a traceback in cell coordinates, routed to the running cell,
   * else the cell that started the work, else the most recent one. The kernel and its state stay.
   */
  private reportFault(error: unknown, kind: FaultKind, origin: CellOrigin | undefined): void {
    const report = this.errorReport(error);
    const hint =
      kind === "unhandled rejection"
        ? " (a promise rejected and nothing awaited it: a missing `await`?)"
        : " (thrown in a callback, outside the cell's own code)";
    const from = origin ? ` from work started by ${origin.label}` : "";
    const text = `Uncaught ${report.ename}${from}${hint}; the kernel keeps running and keeps its variables:\n${report.traceback.join("\n")}\n`;
    const { outputs } = this.options;
    if (outputs.faultOutput) outputs.faultOutput(text, origin?.executionCount);
    else outputs.stream("stderr", text);
  }

  warmUp(): void {
    void this.loadCompiler()
      .then((compiler) => {
        // Most notebooks start with `import { tf, keras } from "tskeras"`: parse its declarations and
        // load the library (TensorFlow.js, backend start-up) while the kernel is idle anyway.
        compiler.compile('import type * as warmUp from "tskeras";');
        return importCellModule("tskeras", this.options.workingDirectory);
      })
      .catch(() => {
        // Warming up is an optimization; the real import reports any problem in its cell.
      });
  }

  private loadCompiler(): Promise<CellCompiler> {
    this.compiler ??= (async () => {
      const [{ default: typescript }, { CellCompiler }] = await Promise.all([import("typescript"), import("./cell-compiler.js")]);
      const compiler = new CellCompiler(typescript, this.options.workingDirectory);
      compiler.compile(""); // parses the standard library and @types once, up front
      this.compilerInstance = compiler;
      return compiler;
    })();
    return this.compiler;
  }

  interrupt(): void {
    this.running?.interrupt();
  }

  async execute(code: string, options: { silent: boolean; storeHistory: boolean; executionCount: number }): Promise<ExecuteOutcome> {
    const label = options.storeHistory ? `In[${options.executionCount}]` : "In[ ]";
    this.executionCount = options.executionCount;
    try {
      if (/\?\s*$/.test(code) && (!/^\s*[%!]/.test(code) || /^\s*%%?[\w-]+\?+\s*$/.test(code))) return await this.help(code);
      const compiler = await this.loadCompiler();
      const cell = preprocessCell(code, (text) => compiler.isExpression(text));
      let value: unknown;
      let hasResult = true;
      if (cell.kind === "code") {
        ({ value, hasResult } = await this.runTypeScript(cell.code, code, label));
      } else if (cell.kind === "magic-lines") {
        for (const { name, line } of cell.lines) value = await this.callLineMagic(name, line, undefined, false, label);
      } else {
        const definition = magicRegistry().get(cell.name);
        if (!definition?.cell) {
          throw new UsageError(
            definition ? `%%${cell.name} is a line magic: use %${cell.name} ARGS on a line.` : `Cell magic %%${cell.name} not found. ${availableText()}`,
          );
        }
        // The body starts below the magic's line: keep its line numbers in errors.
        const lineOffset = "\n".repeat(code.slice(0, code.indexOf("%%")).split("\n").length);
        const runBody = (body: string) => this.runTypeScript(lineOffset + body, lineOffset + body, label).then((run) => run.value);
        value = await definition.cell(cell.line, cell.body, this.magicContext(runBody));
      }
      const result = hasResult && value !== undefined && !options.silent ? await formatValue(value) : undefined;
      await settleDisplays();
      // Node reports promises left rejected once the microtasks have run: let that happen while
      // this cell is still the running one, so the report lands in it.
      await new Promise((resolve) => setImmediate(resolve));
      return { status: "ok", result, payload: [] };
    } catch (error) {
      return { status: "error", ...this.errorReport(error) };
    } finally {
      afterCell();
    }
  }

  /** Type-checks and runs TypeScript; type errors throw a {@link CellFailure}, runtime errors propagate. */
  private async runTypeScript(code: string, originalCode: string, label: string): Promise<{ value: unknown; hasResult: boolean }> {
    const compiler = await this.loadCompiler();
    const compiled = compiler.compile(code);
    if (compiled.diagnostics.length > 0 && this.typecheck) throw new CellFailure(compileErrorReport(label, compiled.diagnostics));
    // The cell's names exist (as hoisted globals) from here on, even if it fails halfway.
    compiled.commit();
    const scriptId = this.nextScriptId++;
    const { script, firstLineOffset } = wrapCellScript(compiled.javascript, compiled.hoistedNames);
    this.rememberCell(scriptId, { label, code: originalCode, sourceMapText: compiled.sourceMap || undefined, firstLineOffset });
    const outer = this.running;
    let interruptRejection: (error: Error) => void = () => {};
    const interrupted = new Promise<never>((_, reject) => (interruptRejection = reject));
    interrupted.catch(() => {});
    this.running = { interrupt: () => interruptRejection(new KeyboardInterrupt()) };
    try {
      const compiledScript = new Script(script, { filename: scriptFileName(scriptId) });
      // Timers and promises the cell starts remember it (see cell-faults.ts).
      const origin: CellOrigin = { executionCount: this.executionCount, label };
      const completion = cellOrigins.run(origin, () => compiledScript.runInThisContext({ breakOnSigint: true, displayErrors: false })) as Promise<unknown>;
      return { value: await Promise.race([completion, interrupted]), hasResult: compiled.hasResult };
    } finally {
      this.running = outer;
    }
  }

  private errorReport(error: unknown): { ename: string; evalue: string; traceback: string[] } {
    if (error instanceof CellFailure) return error.report;
    if (error instanceof KeyboardInterrupt || (error as { code?: string })?.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
      const interrupt = error instanceof KeyboardInterrupt ? error : new KeyboardInterrupt();
      return { ename: interrupt.name, evalue: interrupt.message, traceback: [`\u001b[0;31mKeyboardInterrupt\u001b[0m: ${interrupt.message}`] };
    }
    if (error instanceof UsageError) return { ename: "UsageError", evalue: error.message, traceback: [`\u001b[0;31mUsageError\u001b[0m: ${error.message}`] };
    return runtimeErrorReport(error, this.cells);
  }

  /** What a magic may use; `runCode` runs TypeScript as a cell would (or the code a line magic wraps). */
  private magicContext(runCode: (code: string) => Promise<unknown>): MagicContext {
    return {
      workingDirectory: process.cwd(),
      print: (text) => this.options.outputs.stream("stdout", text),
      runCode,
      userNames: () => this.userNames(),
      resetNamespace: () => this.resetNamespace(),
    };
  }

  /** `%name line` from a magic-only cell, or `await __tskeras.magic(...)` from TypeScript. */
  private async callLineMagic(name: string, line: string, code: (() => Promise<unknown>) | undefined, capture: boolean, label: string): Promise<unknown> {
    const context = this.magicContext(code ? () => code() : (text) => this.runTypeScript(text, text, label).then((run) => run.value));
    if (name === "!") return runShell(line, context, { capture });
    const definition = magicRegistry().get(name);
    if (!definition) throw new UsageError(`Line magic function %${name} not found. ${availableText()}`);
    if (!definition.line) throw new UsageError(`%${name} is a cell magic: put %%${name} ${line} on the first line of the cell, with the body below.`);
    return definition.line(line, context);
  }

  private userNames(): string[] {
    return this.compilerInstance?.carried.names() ?? [];
  }

  private resetNamespace(): void {
    const scope = globalThis as Record<string, unknown>;
    // Cell variables are global `var`s, which cannot be deleted: drop their values and their types.
    for (const name of this.userNames()) if (name in scope) scope[name] = undefined;
    this.compilerInstance?.carried.reset();
  }

  private rememberCell(id: number, source: CellSource): void {
    this.cells.set(id, source);
    if (this.cells.size > keptCellSources) this.cells.delete(this.cells.keys().next().value!);
  }

  private typecheckMagic(): MagicDefinition {
    return {
      name: "typecheck",
      help: "%typecheck on|off: with off, cells run even when TypeScript reports type errors.",
      line: (line, context) => {
        if (line === "on" || line === "off") this.typecheck = line === "on";
        else if (line !== "") throw new UsageError(`%typecheck takes "on" or "off", not "${line}".`);
        context.print(`Type checking is ${this.typecheck ? "on" : "off"}.\n`);
      },
    };
  }

  /** IPython's help escape: `expr?` pages the documentation of `expr`. */
  private async help(code: string): Promise<ExecuteOutcome> {
    const expression = code.replace(/\?+\s*$/, "").trim();
    const magic = /^%%?([\w-]+)$/.exec(expression);
    if (magic) {
      const definition = magicRegistry().get(magic[1]!);
      if (!definition) throw new UsageError(`No magic named %${magic[1]}. ${availableText()}`);
      return { status: "ok", result: undefined, payload: [{ source: "page", data: { "text/plain": definition.help }, start: 0 }] };
    }
    const compiler = await this.loadCompiler();
    const text = expression ? compiler.quickInfo(expression, Math.max(0, expression.length - 1)) : undefined;
    if (!text) {
      process.stdout.write(`Object \`${expression}\` not found.\n`);
      return { status: "ok", result: undefined, payload: [] };
    }
    return { status: "ok", result: undefined, payload: [{ source: "page", data: { "text/markdown": text, "text/plain": documentationText(text) }, start: 0 }] };
  }

  async complete(code: string, cursorPos: number): Promise<CompleteOutcome> {
    // `%ti|` completes magic names (line magics, or cell magics after `%%`).
    const lineStart = code.lastIndexOf("\n", cursorPos - 1) + 1;
    const magicPrefix = /^\s*(%%?)([\w-]*)$/.exec(code.slice(lineStart, cursorPos));
    if (magicPrefix) {
      const [, percent, partial] = magicPrefix;
      const cellMagic = percent === "%%";
      const matches = [...magicRegistry().values()]
        .filter((magic) => magic.name !== "!" && magic.name.startsWith(partial!) && (cellMagic ? magic.cell : magic.line))
        .map((magic) => `${percent}${magic.name}`)
        .sort();
      const start = cursorPos - partial!.length - percent!.length;
      return {
        matches,
        cursorStart: start,
        cursorEnd: cursorPos,
        metadata: { _jupyter_types_experimental: matches.map((text) => ({ start, end: cursorPos, text, type: "magic" })) },
      };
    }
    const compiler = await this.loadCompiler();
    const { names, kinds, start, end } = compiler.completions(code, cursorPos);
    // JupyterLab shows these types as each completion's icon and type column.
    const types = names.map((text, index) => ({ start, end, text, type: completionType(kinds[index]!) }));
    return { matches: names, cursorStart: start, cursorEnd: end, metadata: { _jupyter_types_experimental: types } };
  }

  async inspect(code: string, cursorPos: number, _detailLevel: number): Promise<InspectOutcome> {
    const compiler = await this.loadCompiler();
    // Inspect the identifier the cursor is in or just after.
    let position = cursorPos;
    if (position > 0 && !/[\w$]/.test(code[position] ?? "") && /[\w$]/.test(code[position - 1] ?? "")) position--;
    const markdown = compiler.quickInfo(code, position);
    return markdown ? { found: true, data: { "text/markdown": markdown, "text/plain": documentationText(markdown) } } : { found: false, data: {} };
  }

  isComplete(code: string): IsCompleteOutcome {
    return checkIsComplete(code);
  }
}
