/**
 * A small Jupyter client over ZeroMQ for protocol tests: starts `tskeras kernel` with a fresh
 * connection file and a random key, signs requests, verifies replies, and groups iopub messages by
 * the request they answer.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { freePort } from "../support/free-port.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";
import { createHeader, decodeMessage, encodeMessage, type JupyterMessage } from "../../kernel/protocol/wire.js";
import { repositoryRoot } from "../support/kernelspec.js";

type Channel = "shell" | "control" | "stdin";

export class KernelClient {
  readonly key = randomBytes(16).toString("hex");
  readonly session = randomUUID();
  process!: ChildProcess;
  stderr = "";
  /** The kernel's connection file (another client may connect with it). */
  connectionFile = "";
  private sockets!: Record<Channel, zmq.Dealer>;
  private iopub!: zmq.Subscriber;
  private heartbeat!: zmq.Request;
  private ports!: Record<string, number>;
  private readonly received: Record<Channel, JupyterMessage[]> = { shell: [], control: [], stdin: [] };
  readonly iopubMessages: JupyterMessage[] = [];
  private readonly waiters: Array<() => void> = [];
  /** A ZeroMQ socket takes one send at a time: sends on a channel are chained. */
  private readonly sending: Record<Channel, Promise<unknown>> = { shell: Promise.resolve(), control: Promise.resolve(), stdin: Promise.resolve() };

  /** Milliseconds from spawning the kernel process to its kernel_info_reply. */
  startupMilliseconds = 0;

  /** `command` gives the kernel's argv (run by `executable`, node by default). */
  static async start(
    options: { env?: NodeJS.ProcessEnv; cwd?: string; command?: (connectionFile: string) => string[]; executable?: string } = {},
  ): Promise<KernelClient> {
    const client = new KernelClient();
    await client.launch(options);
    return client;
  }

  private async launch(options: { env?: NodeJS.ProcessEnv; cwd?: string; command?: (connectionFile: string) => string[]; executable?: string }): Promise<void> {
    const names = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"];
    this.ports = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await freePort()] as const)));
    const directory = mkdtempSync(join(tmpdir(), "tskeras-client-"));
    const connectionFile = join(directory, "connection.json");
    this.connectionFile = connectionFile;
    writeFileSync(
      connectionFile,
      JSON.stringify({ ...this.ports, ip: "127.0.0.1", transport: "tcp", key: this.key, signature_scheme: "hmac-sha256", kernel_name: "tskeras" }),
    );
    const started = performance.now();
    const argv = options.command?.(connectionFile) ?? [join(repositoryRoot, "dist/kernel/cli.js"), "kernel", "--connection-file", connectionFile];
    this.process = spawn(options.executable ?? process.execPath, argv, {
      cwd: options.cwd ?? directory,
      env: { ...process.env, TSKERAS_HISTORY_FILE: join(directory, "history.jsonl"), TSKERAS_BACKEND: "cpu", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.process.stderr!.on("data", (chunk) => (this.stderr += chunk));
    const routingId = randomBytes(8).toString("hex");
    // A short reconnect interval: the kernel binds its ports a few milliseconds after it starts.
    const socketOptions = { routingId, reconnectInterval: 10 };
    this.sockets = { shell: new zmq.Dealer(socketOptions), control: new zmq.Dealer(socketOptions), stdin: new zmq.Dealer(socketOptions) };
    for (const [channel, socket] of Object.entries(this.sockets) as Array<[Channel, zmq.Dealer]>) {
      socket.connect(`tcp://127.0.0.1:${this.ports[`${channel}_port`]}`);
      void this.receive(socket, (message) => this.received[channel].push(message));
    }
    this.iopub = new zmq.Subscriber({ reconnectInterval: 10 });
    this.iopub.connect(`tcp://127.0.0.1:${this.ports.iopub_port}`);
    this.iopub.subscribe();
    void this.receive(this.iopub, (message) => this.iopubMessages.push(message));
    this.heartbeat = new zmq.Request({ receiveTimeout: 2000, reconnectInterval: 10 });
    this.heartbeat.connect(`tcp://127.0.0.1:${this.ports.hb_port}`);
    // Ready when kernel_info is answered (iopub is subscribed well before that in practice).
    await this.request("shell", "kernel_info_request", {}, { timeoutMs: 30_000 });
    this.startupMilliseconds = performance.now() - started;
    // Like jupyter_client's wait_for_ready: iopub may join later than shell (PUB/SUB drops what was
    // published before the subscription), so ask again until a status arrives on iopub too.
    for (let attempt = 0; ; attempt++) {
      const id = this.send("shell", "kernel_info_request", {});
      try {
        await this.waitFor(() => this.iopubMessages.find((message) => message.parent_header.msg_id === id), 500, "iopub status");
        await this.reply("shell", id);
        break;
      } catch (error) {
        if (attempt > 40) throw error;
      }
    }
  }

  private async receive(socket: zmq.Dealer | zmq.Subscriber, deliver: (message: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = decodeMessage(frames as Buffer[], this.key);
        deliver(message);
        this.waiters.splice(0).forEach((wake) => wake());
      }
    } catch {
      // socket closed
    }
  }

  /** Sends a signed request; `forgeSignature` sends it with a wrong HMAC instead. */
  send(channel: Channel, msgType: string, content: Record<string, unknown>, options: { forgeSignature?: boolean } = {}): string {
    const header = createHeader(msgType, this.session);
    const frames = encodeMessage({ identities: [], header, parent_header: {}, metadata: {}, content }, this.key);
    if (options.forgeSignature) frames[1] = Buffer.from("0".repeat(64));
    this.sendFrames(channel, frames);
    return header.msg_id;
  }

  /** Sends raw frames as they are (for malformed-message tests). */
  sendFrames(channel: Channel, frames: Buffer[]): void {
    this.sending[channel] = this.sending[channel].then(() => this.sockets[channel].send(frames)).catch(() => {});
  }

  /** Encodes and signs a message the way a client would; tests then break it. */
  encode(msgType: string, content: Record<string, unknown>): { frames: Buffer[]; msgId: string } {
    const header = createHeader(msgType, this.session);
    return { frames: encodeMessage({ identities: [], header, parent_header: {}, metadata: {}, content }, this.key), msgId: header.msg_id };
  }

  async waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; kernel stderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  reply(channel: Channel, msgId: string, timeoutMs = 30_000): Promise<JupyterMessage> {
    return this.waitFor(
      () => this.received[channel].find((message) => message.parent_header.msg_id === msgId),
      timeoutMs,
      `the reply to ${msgId} on ${channel}`,
    );
  }

  async request(channel: Channel, msgType: string, content: Record<string, unknown>, options: { timeoutMs?: number } = {}): Promise<JupyterMessage> {
    return this.reply(channel, this.send(channel, msgType, content), options.timeoutMs);
  }

  /** iopub messages of a request, up to and including its idle status. */
  async iopubFor(msgId: string, timeoutMs = 30_000): Promise<JupyterMessage[]> {
    await this.waitFor(
      () =>
        this.iopubMessages.find(
          (message) =>
            message.parent_header.msg_id === msgId &&
            message.header.msg_type === "status" &&
            (message.content as { execution_state: string }).execution_state === "idle",
        ),
      timeoutMs,
      `idle after ${msgId}`,
    );
    return this.iopubMessages.filter((message) => message.parent_header.msg_id === msgId);
  }

  execute(code: string, extra: Record<string, unknown> = {}): string {
    return this.send("shell", "execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
      ...extra,
    });
  }

  async executeAndWait(code: string, extra: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<{ reply: JupyterMessage; iopub: JupyterMessage[] }> {
    const id = this.execute(code, extra);
    const reply = await this.reply("shell", id, timeoutMs);
    return { reply, iopub: await this.iopubFor(id, timeoutMs) };
  }

  inputRequests(): JupyterMessage[] {
    return this.received.stdin.filter((message) => message.header.msg_type === "input_request");
  }

  /** Sends a ping on the heartbeat channel and resolves with the round-trip time, or rejects after 2 s. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.heartbeat.send("ping");
    const [echo] = await this.heartbeat.receive();
    if (echo!.toString() !== "ping") throw new Error("heartbeat answered something else");
    return performance.now() - started;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      this.send("control", "shutdown_request", { restart: false });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.process.kill("SIGKILL");
          resolve();
        }, 5000);
        this.process.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    for (const socket of [...Object.values(this.sockets), this.iopub, this.heartbeat]) socket.close();
  }
}

export function outputText(messages: JupyterMessage[]): string {
  return messages
    .filter((message) => message.header.msg_type === "stream")
    .map((message) => (message.content as { text: string }).text)
    .join("");
}

export function resultOf(messages: JupyterMessage[]): string | undefined {
  const result = messages.find((message) => message.header.msg_type === "execute_result");
  return result ? (result.content as { data: Record<string, string> }).data["text/plain"] : undefined;
}
