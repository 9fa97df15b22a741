import { SourceMap } from "node:module";
import { Script } from "node:vm";
import { clearOutput, display } from "../../lib/display/display.js";
import { installDisplaySink } from "../../lib/display/sink.js";
import { formatValue } from "../../lib/display/format.js";
import type { CellCompiler } from "./cell-compiler.js";
import { hostObjectName, wrapCellScript } from "./cell-transform.js";
import { checkIsComplete } from "./is-complete.js";
import { importCellModule } from "./module-loader.js";
import { captureProcessOutput } from "./output-capture.js";
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

/**
 * The TypeScript language engine: type-checks each cell against everything earlier cells declared,
 * runs it in the kernel's global scope (so state persists and objects stay plain Node objects), and
 * turns its last expression into a rich result.
 */
export class TypeScriptEngine implements LanguageEngine {
  private compiler: Promise<CellCompiler> | undefined;
  private readonly cells = new Map<number, CellSource>();
  private nextScriptId = 1;
  private running: { interrupt(): void } | undefined;
  private typecheck = true;

  constructor(private readonly options: EngineOptions) {
    const { outputs, workingDirectory } = options;
    captureProcessOutput(outputs);
    installDisplaySink({
      displayData: (data, metadata, transient, update) => outputs.displayData(data, metadata, transient, update),
      clearOutput: (wait) => outputs.clearOutput(wait),
    });
    Object.assign(globalThis, {
      [hostObjectName]: { importModule: (specifier: string) => importCellModule(specifier, workingDirectory) },
      display,
      clearOutput,
      prompt: (message?: string, defaultValue?: string) => {
        const answer = outputs.input(message ?? "", false);
        return answer === "" && defaultValue !== undefined ? defaultValue : answer;
      },
      input: (message?: string) => outputs.input(message ?? "", false),
    });
    // Without a handler SIGINT would end the kernel; with one, it interrupts the running cell.
    process.on("SIGINT", () => this.interrupt());
  }

  warmUp(): void {
    this.loadCompiler();
  }

  private loadCompiler(): Promise<CellCompiler> {
    this.compiler ??= (async () => {
      const [{ default: typescript }, { CellCompiler }] = await Promise.all([import("typescript"), import("./cell-compiler.js")]);
      const compiler = new CellCompiler(typescript, this.options.workingDirectory);
      compiler.compile(""); // parses the standard library and @types once, up front
      return compiler;
    })();
    return this.compiler;
  }

  interrupt(): void {
    this.running?.interrupt();
  }

  async execute(code: string, options: { silent: boolean; storeHistory: boolean; executionCount: number }): Promise<ExecuteOutcome> {
    const magic = this.lineMagic(code);
    if (magic) return magic;
    if (/\?\s*$/.test(code) && !/^\s*[%!]/.test(code)) return this.help(code);
    const compiler = await this.loadCompiler();
    const compiled = compiler.compile(code);
    const label = options.storeHistory ? `In[${options.executionCount}]` : "In[ ]";
    if (compiled.diagnostics.length > 0 && this.typecheck) return { status: "error", ...compileErrorReport(label, compiled.diagnostics) };
    // The cell's names exist (as hoisted globals) from here on, even if it fails halfway.
    compiled.commit();
    const scriptId = this.nextScriptId++;
    const { script, firstLineOffset } = wrapCellScript(compiled.javascript, compiled.hoistedNames);
    this.rememberCell(scriptId, {
      label,
      code,
      sourceMap: compiled.sourceMap ? new SourceMap(JSON.parse(compiled.sourceMap)) : undefined,
      firstLineOffset,
    });
    let interruptRejection: (error: Error) => void = () => {};
    const interrupted = new Promise<never>((_, reject) => (interruptRejection = reject));
    interrupted.catch(() => {});
    this.running = { interrupt: () => interruptRejection(new KeyboardInterrupt()) };
    try {
      const compiledScript = new Script(script, { filename: scriptFileName(scriptId) });
      const completion = compiledScript.runInThisContext({ breakOnSigint: true, displayErrors: false }) as Promise<unknown>;
      const value = await Promise.race([completion, interrupted]);
      const result = compiled.hasResult && value !== undefined && !options.silent ? await formatValue(value) : undefined;
      return { status: "ok", result, payload: [] };
    } catch (error) {
      if (error instanceof KeyboardInterrupt || (error as { code?: string })?.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
        const interrupt = error instanceof KeyboardInterrupt ? error : new KeyboardInterrupt();
        return { status: "error", ename: interrupt.name, evalue: interrupt.message, traceback: [`\u001b[0;31mKeyboardInterrupt\u001b[0m: ${interrupt.message}`] };
      }
      return { status: "error", ...runtimeErrorReport(error, this.cells) };
    } finally {
      this.running = undefined;
    }
  }

  private rememberCell(id: number, source: CellSource): void {
    this.cells.set(id, source);
    if (this.cells.size > keptCellSources) this.cells.delete(this.cells.keys().next().value!);
  }

  /** `%typecheck on|off` (the full magics system lives in kernel/magics and runs before the engine). */
  private lineMagic(code: string): ExecuteOutcome | undefined {
    const match = /^\s*%typecheck(?:\s+(\S+))?\s*$/.exec(code);
    if (!match) return undefined;
    const setting = match[1];
    if (setting === "on" || setting === "off") this.typecheck = setting === "on";
    else if (setting !== undefined) {
      return { status: "error", ename: "UsageError", evalue: `%typecheck takes "on" or "off", not "${setting}".`, traceback: [`UsageError: %typecheck takes "on" or "off", not "${setting}".`] };
    }
    process.stdout.write(`Type checking is ${this.typecheck ? "on" : "off"}.\n`);
    return { status: "ok", result: undefined, payload: [] };
  }

  /** IPython's help escape: `expr?` pages the documentation of `expr`. */
  private async help(code: string): Promise<ExecuteOutcome> {
    const expression = code.replace(/\?+\s*$/, "").trimEnd();
    const compiler = await this.loadCompiler();
    const text = expression ? compiler.quickInfo(expression, Math.max(0, expression.length - 1)) : undefined;
    if (!text) {
      process.stdout.write(`Object \`${expression}\` not found.\n`);
      return { status: "ok", result: undefined, payload: [] };
    }
    return { status: "ok", result: undefined, payload: [{ source: "page", data: { "text/plain": text }, start: 0 }] };
  }

  async complete(code: string, cursorPos: number): Promise<CompleteOutcome> {
    const compiler = await this.loadCompiler();
    const { names, start, end } = compiler.completions(code, cursorPos);
    return { matches: names, cursorStart: start, cursorEnd: end, metadata: {} };
  }

  async inspect(code: string, cursorPos: number, _detailLevel: number): Promise<InspectOutcome> {
    const compiler = await this.loadCompiler();
    // Inspect the identifier the cursor is in or just after.
    let position = cursorPos;
    if (position > 0 && !/[\w$]/.test(code[position] ?? "") && /[\w$]/.test(code[position - 1] ?? "")) position--;
    const text = compiler.quickInfo(code, position);
    return text ? { found: true, data: { "text/plain": text } } : { found: false, data: {} };
  }

  isComplete(code: string): IsCompleteOutcome {
    return checkIsComplete(code);
  }
}
