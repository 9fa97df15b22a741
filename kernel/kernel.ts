import { randomUUID } from "node:crypto";
import { writeSync } from "node:fs";
import type { LanguageEngine, MimeBundle, OutputSink } from "./engine/types.js";
import { History } from "./input-history.js";
import { collectGarbage } from "./engine/garbage-collector.js";
import { engineInfo } from "./engine/info.js";
import { kernelVersion } from "./engine/language-info.js";
import { KernelChannel, type Parent } from "./protocol/channel.js";
import type { ConnectionInfo } from "./protocol/connection-file.js";
import type { JupyterMessage } from "./protocol/wire.js";

export interface KernelOptions {
  connection: ConnectionInfo;
  workingDirectory: string;
}

interface CurrentRequest {
  parent: Parent;
  silent: boolean;
  allowStdin: boolean;
}

type Handler = (message: JupyterMessage, channel: "shell" | "control", epoch: number) => Promise<void> | void;

/** The real exit: cells get a guarded process.exit (see engine/cell-faults.ts), the kernel keeps this one. */
const exitProcess = process.exit.bind(process);

/** How many recent cells' requests are remembered, so late errors can go to the cell that caused them. */
const rememberedParents = 200;
/** Memory upkeep (see engine/garbage-collector.ts): after this long idle, or this many cells in a row. */
const idleCollectionDelayMs = 1000;
const cellsBetweenCollections = 200;

function log(text: string): void {
  // process.stderr belongs to the cells (it is captured into the notebook); the kernel's own
  // messages go straight to the file descriptor, i.e. the terminal or log of the Jupyter server.
  writeSync(2, `[tskeras kernel] ${text}\n`);
}

export function kernelInfoContent(): Record<string, unknown> {
  return { status: "ok", protocol_version: "5.3", implementation: "tskeras", implementation_version: kernelVersion, debugger: false, ...engineInfo() };
}

/**
 * The Jupyter side of the kernel (like ipykernel's Kernel): the request queue, busy/idle status,
 * execution counts, history, stop-on-error aborts and output routing. The language lives behind
 * {@link LanguageEngine}; the sockets live in a worker (see protocol/socket-worker.ts).
 */
export class Kernel {
  private readonly channel: KernelChannel;
  private readonly history = new History();
  private engine: Promise<LanguageEngine> | undefined;
  private engineInstance: LanguageEngine | undefined;
  private executionCount = 0;
  private readonly queue: Array<{ channel: "shell" | "control"; message: JupyterMessage; epoch: number }> = [];
  private processing = false;
  /** Execute requests from this abort epoch or earlier arrived before a stop_on_error failure was answered. */
  private abortThroughEpoch = -1;
  private current: CurrentRequest | undefined;
  /** Output a cell schedules after it finished (a timer) still goes to the cell that started it. */
  private lastParent: Parent | undefined;
  /** execution count → the request of that cell, for errors surfacing after their cell finished. */
  private readonly parentsByCount = new Map<number, Parent>();
  private exiting = false;
  private cellsSinceCollection = 0;
  private idleCollection: NodeJS.Timeout | undefined;
  private readonly streams = new Map<"stdout" | "stderr", string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly handlers: Record<string, Handler> = {
    execute_request: (message, _channel, epoch) => this.execute(message, epoch),
    complete_request: (message) => this.complete(message),
    inspect_request: (message) => this.inspect(message),
    is_complete_request: (message) => this.isComplete(message),
    history_request: (message) => this.historyRequest(message),
    comm_info_request: (message) => this.reply(message, "comm_info_reply", { status: "ok", comms: {} }),
    comm_open: (message) => this.commOpen(message),
    comm_msg: () => {},
    comm_close: () => {},
    connect_request: (message) => this.connect(message),
    shutdown_request: (message, channel) => this.shutdown(message, channel),
  };

  constructor(private readonly options: KernelOptions) {
    this.channel = new KernelChannel(options.connection, randomUUID(), kernelInfoContent());
    this.channel.onRequest = (channel, message, epoch) => this.enqueue(channel, message, epoch);
    this.channel.onInterrupt = () => this.engineInstance?.interrupt();
    // The one SIGINT handler (Jupyter's signal interrupt mode): it interrupts the running cell and
    // never ends the kernel. SIGTERM (Jupyter's fallback shutdown) exits cleanly.
    process.on("SIGINT", () => this.engineInstance?.interrupt());
    process.on("SIGTERM", () => void this.exit(0));
  }

  /** Every exit goes through here: the socket worker closes its sockets before the process ends. */
  private async exit(code: number): Promise<void> {
    if (this.exiting) return;
    this.exiting = true;
    try {
      await this.channel.close();
    } catch (error) {
      log(`closing the sockets failed: ${(error as Error).message}`);
    }
    exitProcess(code);
  }

  async start(): Promise<void> {
    await this.channel.ready;
    // The worker answers kernel_info on its own; loading the compiler now cannot delay that reply.
    setTimeout(() => void this.loadEngine().then((engine) => engine.warmUp()), 10);
  }

  private loadEngine(): Promise<LanguageEngine> {
    this.engine ??= (async () => {
      const { createEngine } = await import("./engine/create.js");
      const engine = createEngine({ outputs: this.outputSink(), workingDirectory: this.options.workingDirectory });
      this.engineInstance = engine;
      return engine;
    })();
    return this.engine;
  }

  private enqueue(channel: "shell" | "control", message: JupyterMessage, epoch: number): void {
    // Control requests go ahead of queued shell requests.
    if (channel === "control") this.queue.unshift({ channel, message, epoch });
    else this.queue.push({ channel, message, epoch });
    if (!this.processing) void this.processQueue();
  }

  private async processQueue(): Promise<void> {
    this.processing = true;
    clearTimeout(this.idleCollection);
    try {
      while (this.queue.length > 0) {
        const { channel, message, epoch } = this.queue.shift()!;
        await this.dispatch(channel, message, epoch);
        if (this.cellsSinceCollection >= cellsBetweenCollections) this.collectGarbage();
      }
    } finally {
      this.processing = false;
      if (this.cellsSinceCollection > 0) this.idleCollection = setTimeout(() => this.collectGarbage(), idleCollectionDelayMs);
    }
  }

  private collectGarbage(): void {
    this.cellsSinceCollection = 0;
    collectGarbage();
  }

  private async dispatch(channel: "shell" | "control", message: JupyterMessage, epoch: number): Promise<void> {
    const type = message.header.msg_type;
    const handler = this.handlers[type];
    this.publish("status", { execution_state: "busy" }, message);
    try {
      if (!handler) log(`ignoring a ${type} request: tskeras does not implement it`);
      else if (type === "execute_request" && epoch <= this.abortThroughEpoch) {
        this.reply(message, "execute_reply", { status: "aborted", execution_count: this.executionCount }, channel);
      } else await handler(message, channel, epoch);
    } catch (error) {
      log(`error while handling ${type}: ${(error as Error).stack ?? error}`);
    } finally {
      this.flushStreams();
      this.publish("status", { execution_state: "idle" }, message);
    }
  }

  private publish(msgType: string, content: Record<string, unknown>, parent: Parent | undefined): void {
    this.channel.send("iopub", msgType, content, parent);
  }

  private reply(message: JupyterMessage, msgType: string, content: Record<string, unknown>, channel: "shell" | "control" = "shell"): void {
    this.channel.send(channel, msgType, content, message);
  }

  private outputSink(): OutputSink {
    const target = (): { parent: Parent; silent: boolean } | undefined => this.current ?? (this.lastParent && { parent: this.lastParent, silent: false });
    const stream = (name: "stdout" | "stderr", text: string): void => {
      const destination = target();
      if (!destination) {
        log(`${name} outside any request: ${text.trimEnd()}`);
        return;
      }
      if (destination.silent) return;
      this.streams.set(name, (this.streams.get(name) ?? "") + text);
      // Live output for long cells; the rest is flushed before the cell's reply.
      this.flushTimer ??= setTimeout(() => this.flushStreams(), 50);
    };
    return {
      stream,
      displayData: (data, metadata, transient, update) => {
        const destination = target();
        if (!destination || destination.silent) return;
        this.flushStreams();
        this.publish(update ? "update_display_data" : "display_data", { data, metadata, transient }, destination.parent);
      },
      clearOutput: (wait) => {
        const destination = target();
        if (!destination || destination.silent) return;
        this.flushStreams();
        this.publish("clear_output", { wait }, destination.parent);
      },
      faultOutput: (text, originExecutionCount) => {
        log(text.split("\n")[0]!);
        // The running cell gets it; else the cell that started the work; else the most recent.
        if (this.current) {
          stream("stderr", text);
          return;
        }
        const parent = (originExecutionCount !== undefined ? this.parentsByCount.get(originExecutionCount) : undefined) ?? this.lastParent;
        if (!parent) return;
        this.flushStreams();
        this.publish("stream", { name: "stderr", text }, parent);
      },
      input: (prompt, password) => {
        const request = this.current;
        if (!request?.allowStdin) {
          throw new Error(
            "This frontend does not accept input (allow_stdin is false), so prompt()/input() cannot ask. Run the cell in a notebook or console that supports input, or give the value directly.",
          );
        }
        this.flushStreams();
        return this.channel.requestInput(prompt, password, request.parent);
      },
    };
  }

  private flushStreams(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    const destination = this.current ?? (this.lastParent && { parent: this.lastParent });
    for (const [name, text] of this.streams) {
      if (text && destination) this.publish("stream", { name, text }, destination.parent);
    }
    this.streams.clear();
  }

  private async execute(message: JupyterMessage, epoch: number): Promise<void> {
    const content = message.content as {
      code?: string;
      silent?: boolean;
      store_history?: boolean;
      user_expressions?: Record<string, string>;
      allow_stdin?: boolean;
      stop_on_error?: boolean;
    };
    if (typeof content.code !== "string") {
      // A malformed request is answered (so the client does not wait), not run.
      const evalue = `execute_request needs a string "code" field; this one has ${content.code === undefined ? "none" : typeof content.code}.`;
      log(evalue);
      this.reply(message, "execute_reply", { status: "error", execution_count: this.executionCount, ename: "InvalidRequest", evalue, traceback: [evalue] });
      return;
    }
    const code = content.code;
    const silent = content.silent === true;
    const storeHistory = !silent && content.store_history !== false;
    if (storeHistory) this.executionCount++;
    const executionCount = this.executionCount;
    this.cellsSinceCollection++;
    if (!silent) this.publish("execute_input", { code, execution_count: executionCount }, message);
    this.current = { parent: message, silent, allowStdin: content.allow_stdin !== false };
    if (!silent) this.lastParent = message;
    if (storeHistory) {
      this.parentsByCount.set(executionCount, message);
      if (this.parentsByCount.size > rememberedParents) this.parentsByCount.delete(this.parentsByCount.keys().next().value!);
    }
    let resultText: string | null = null;
    try {
      const engine = await this.loadEngine();
      const outcome = await engine.execute(code, { silent, storeHistory, executionCount }).catch((error: Error) => ({
        // The engine reports user errors itself; this is a fault of the kernel, still answered so the frontend never waits.
        status: "error" as const,
        ename: "KernelError",
        evalue: `tskeras failed to run this cell: ${error.message}`,
        traceback: [`KernelError: ${error.stack ?? error.message}`],
      }));
      this.flushStreams();
      if (outcome.status === "ok") {
        if (outcome.result && !silent) {
          this.publish("execute_result", { execution_count: executionCount, data: outcome.result, metadata: {} }, message);
          resultText = typeof outcome.result["text/plain"] === "string" ? (outcome.result["text/plain"] as string) : null;
        }
        const userExpressions = await this.evaluateUserExpressions(engine, content.user_expressions ?? {}, message);
        this.reply(message, "execute_reply", { status: "ok", execution_count: executionCount, payload: outcome.payload, user_expressions: userExpressions });
      } else {
        const error = { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
        if (!silent) this.publish("error", error, message);
        const stopOnError = content.stop_on_error !== false;
        // Like ipykernel: execute requests that arrived before this reply are answered "aborted".
        if (stopOnError) this.abortThroughEpoch = epoch;
        this.channel.send("shell", "execute_reply", { status: "error", execution_count: executionCount, ...error }, message, { endsAbortEpoch: stopOnError });
      }
    } finally {
      this.flushStreams();
      this.current = undefined;
      if (storeHistory) this.history.add(executionCount, code, resultText);
    }
  }

  /** Like ipykernel: the values come back in the reply; anything the expressions print is dropped. */
  private async evaluateUserExpressions(
    engine: LanguageEngine,
    expressions: Record<string, string>,
    message: JupyterMessage,
  ): Promise<Record<string, unknown>> {
    const results: Record<string, unknown> = {};
    this.current = { parent: message, silent: true, allowStdin: false };
    for (const [name, expression] of Object.entries(expressions)) {
      const outcome = await engine.execute(expression, { silent: false, storeHistory: false, executionCount: this.executionCount });
      results[name] =
        outcome.status === "ok"
          ? { status: "ok", data: outcome.result ?? {}, metadata: {} }
          : { status: "error", ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
    }
    return results;
  }

  private async complete(message: JupyterMessage): Promise<void> {
    const { code = "", cursor_pos } = message.content as { code?: string; cursor_pos?: number };
    const engine = await this.loadEngine();
    const outcome = await engine.complete(code, cursor_pos ?? code.length);
    this.reply(message, "complete_reply", {
      status: "ok",
      matches: outcome.matches,
      cursor_start: outcome.cursorStart,
      cursor_end: outcome.cursorEnd,
      metadata: outcome.metadata,
    });
  }

  private async inspect(message: JupyterMessage): Promise<void> {
    const { code = "", cursor_pos, detail_level = 0 } = message.content as { code?: string; cursor_pos?: number; detail_level?: number };
    const engine = await this.loadEngine();
    const outcome = await engine.inspect(code, cursor_pos ?? code.length, detail_level);
    this.reply(message, "inspect_reply", { status: "ok", found: outcome.found, data: outcome.data as MimeBundle, metadata: {} });
  }

  private async isComplete(message: JupyterMessage): Promise<void> {
    const { code = "" } = message.content as { code?: string };
    const engine = await this.loadEngine();
    this.reply(message, "is_complete_reply", { ...engine.isComplete(code) });
  }

  private historyRequest(message: JupyterMessage): void {
    const request = message.content as {
      hist_access_type?: string;
      output?: boolean;
      n?: number;
      session?: number;
      start?: number;
      stop?: number;
      pattern?: string;
      unique?: boolean;
    };
    const output = request.output === true;
    const history =
      request.hist_access_type === "range"
        ? this.history.range(request.session ?? 0, request.start ?? 0, request.stop, output)
        : request.hist_access_type === "search"
          ? this.history.search(request.pattern ?? "*", request.n, request.unique === true, output)
          : this.history.tail(request.n ?? 10, output);
    this.reply(message, "history_reply", { status: "ok", history });
  }

  /** No comm targets are registered: a frontend's comm_open is closed at once, as the protocol asks. */
  private commOpen(message: JupyterMessage): void {
    const { comm_id } = message.content as { comm_id?: string };
    this.publish("comm_close", { comm_id: comm_id ?? "", data: {} }, message);
  }

  private connect(message: JupyterMessage): void {
    const { shell_port, iopub_port, stdin_port, hb_port, control_port } = this.options.connection;
    this.reply(message, "connect_reply", { status: "ok", shell_port, iopub_port, stdin_port, hb_port, control_port });
  }

  private async shutdown(message: JupyterMessage, channel: "shell" | "control"): Promise<void> {
    const restart = (message.content as { restart?: boolean }).restart === true;
    this.publish("status", { execution_state: "idle" }, message);
    this.channel.send(channel, "shutdown_reply", { status: "ok", restart }, message);
    // A restart is the frontend's to do: it starts a fresh kernel process after this one exits.
    await this.exit(0);
  }
}
