import { Worker } from "node:worker_threads";
import type { ConnectionInfo } from "./connection-file.js";
import type { JupyterMessage, MessageHeader } from "./wire.js";
import { inputBufferBytes, inputHeaderBytes, inputState, type FromWorker, type ToWorker, type WorkerStart } from "./worker-messages.js";

export type Parent = Pick<JupyterMessage, "header" | "identities">;

/** Thrown into a cell whose input request was interrupted. */
export class InputInterrupted extends Error {
  override name = "KeyboardInterrupt";
}

/**
 * The main thread's side of the sockets: it starts the socket worker and talks to it. Messages
 * go out in the order they are sent, so nothing a cell printed can arrive after its idle status.
 */
export class KernelChannel {
  private readonly worker: Worker;
  onRequest: (channel: "shell" | "control", message: JupyterMessage, epoch: number) => void = () => {};
  onInterrupt: () => void = () => {};
  readonly ready: Promise<void>;
  private closed: (() => void) | undefined;

  constructor(connection: ConnectionInfo, session: string, kernelInfo: Record<string, unknown>) {
    const start: WorkerStart = { connection, session, kernelInfo };
    this.worker = new Worker(new URL("./socket-worker.js", import.meta.url), { workerData: start });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once("error", reject);
      this.worker.on("message", (message: FromWorker) => {
        if (message.kind === "ready") resolve();
        else if (message.kind === "request") {
          const request = message.message;
          request.identities = request.identities.map((identity) => Buffer.from(identity));
          this.onRequest(message.channel, request, message.epoch);
        } else if (message.kind === "interrupt") this.onInterrupt();
        else if (message.kind === "closed") this.closed?.();
      });
    });
  }

  send(
    channel: "shell" | "control" | "iopub",
    msgType: string,
    content: Record<string, unknown>,
    parent: Parent | undefined,
    options: { endsAbortEpoch?: boolean } = {},
  ): void {
    this.worker.postMessage({
      kind: "send",
      channel,
      msgType,
      content,
      parent: parent && { header: parent.header, identities: parent.identities },
      endsAbortEpoch: options.endsAbortEpoch,
    } satisfies ToWorker);
  }

  /** Sends what is queued, closes the sockets and stops the worker: call before the process exits. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => (this.closed = resolve));
    this.worker.postMessage({ kind: "close" } satisfies ToWorker);
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
    await this.worker.terminate();
  }

  /** Asks the frontend for a line of input and blocks this thread until it answers (or is interrupted). */
  requestInput(prompt: string, password: boolean, parent: { header: Partial<MessageHeader>; identities: Buffer[] }): string {
    const shared = new SharedArrayBuffer(inputHeaderBytes + inputBufferBytes);
    const header = new Int32Array(shared, 0, 2);
    this.worker.postMessage({ kind: "input", prompt, password, parent, shared } satisfies ToWorker);
    Atomics.wait(header, 0, inputState.waiting);
    if (Atomics.load(header, 0) === inputState.interrupted) throw new InputInterrupted("Input was interrupted by the user.");
    return Buffer.from(new Uint8Array(shared, inputHeaderBytes, header[1])).toString("utf8");
  }
}
