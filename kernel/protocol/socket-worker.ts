/**
 * The kernel's sockets, on their own thread: heartbeat, control (interrupt) and kernel_info keep
 * answering while a cell blocks the main thread. Every incoming message is verified here; the main
 * thread only sees authentic requests, and every outgoing message is signed here.
 */
import { writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { channelAddress } from "./connection-file.js";
import { createHeader, decodeMessage, encodeMessage, ForgedMessageError, type JupyterMessage, type MessageHeader } from "./wire.js";
import { inputHeaderBytes, inputState, type FromWorker, type ToWorker, type WorkerStart } from "./worker-messages.js";

const { connection, session, kernelInfo } = workerData as WorkerStart;
const key = connection.key;
const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);
const log = (text: string) => writeSync(2, `[tskeras kernel] ${text}\n`);

/** ZeroMQ sockets take one send at a time: each socket gets a queue. */
function sender(socket: zmq.Writable & zmq.Socket) {
  let chain: Promise<unknown> = Promise.resolve();
  /** Sends frames after everything queued before; without frames, waits for the queue to drain. */
  return (frames?: Buffer[]) => {
    if (frames) chain = chain.then(() => socket.send(frames)).catch((error: Error) => log(`send failed: ${error.message}`));
    return chain;
  };
}

const shell = new zmq.Router();
const control = new zmq.Router();
const stdin = new zmq.Router();
const iopub = new zmq.Publisher();
const heartbeat = new zmq.Reply();
const send = { shell: sender(shell), control: sender(control), stdin: sender(stdin), iopub: sender(iopub) };

function reply(
  channel: keyof typeof send,
  msgType: string,
  content: Record<string, unknown>,
  parent?: { header: Partial<MessageHeader>; identities: Buffer[] },
) {
  const frames = encodeMessage(
    {
      identities: channel === "iopub" ? [] : (parent?.identities ?? []),
      header: createHeader(msgType, session),
      parent_header: parent?.header ?? {},
      metadata: {},
      content,
    },
    key,
  );
  return send[channel](frames);
}

let pendingInput: { shared: SharedArrayBuffer } | undefined;

function answerInput(state: number, value: string) {
  if (!pendingInput) return;
  const header = new Int32Array(pendingInput.shared, 0, 2);
  const bytes = Buffer.from(value, "utf8");
  const room = pendingInput.shared.byteLength - inputHeaderBytes;
  new Uint8Array(pendingInput.shared, inputHeaderBytes, Math.min(bytes.length, room)).set(bytes.subarray(0, room));
  header[1] = Math.min(bytes.length, room);
  Atomics.store(header, 0, state);
  Atomics.notify(header, 0);
  pendingInput = undefined;
}

async function handle(channel: "shell" | "control" | "stdin", frames: Buffer[]) {
  let message: JupyterMessage;
  try {
    message = decodeMessage(frames, key);
  } catch (error) {
    if (error instanceof ForgedMessageError) log(`rejected on ${channel}: ${error.message}`);
    else log(`rejected an unreadable message on ${channel}: ${(error as Error).message}`);
    return;
  }
  const type = message.header.msg_type;
  if (channel === "stdin") {
    if (type === "input_reply") answerInput(inputState.answered, String((message.content as { value?: unknown }).value ?? ""));
    return;
  }
  if (type === "kernel_info_request") {
    await reply("iopub", "status", { execution_state: "busy" }, message);
    await reply(channel, "kernel_info_reply", kernelInfo, message);
    await reply("iopub", "status", { execution_state: "idle" }, message);
    return;
  }
  if (channel === "control" && type === "interrupt_request") {
    await reply("iopub", "status", { execution_state: "busy" }, message);
    interrupt();
    await reply("control", "interrupt_reply", { status: "ok" }, message);
    await reply("iopub", "status", { execution_state: "idle" }, message);
    return;
  }
  post({ kind: "request", channel, message, epoch: abortEpoch });
}

let abortEpoch = 0;

/** Interrupts the main thread: SIGINT stops synchronous code; the message rejects a pending await. */
function interrupt() {
  answerInput(inputState.interrupted, "");
  process.kill(process.pid, "SIGINT");
  post({ kind: "interrupt" });
}

async function serve(channel: "shell" | "control" | "stdin", socket: zmq.Router) {
  for await (const frames of socket)
    await handle(channel, frames as Buffer[]).catch((error: Error) => log(`error handling a ${channel} message: ${error.stack}`));
}

port.on("message", (message: ToWorker) => {
  if (message.kind === "close") {
    void close();
    return;
  }
  if (message.kind === "input") {
    pendingInput = { shared: message.shared };
    const parent = { header: message.parent.header, identities: message.parent.identities.map((identity) => Buffer.from(identity)) };
    void reply("stdin", "input_request", { prompt: message.prompt, password: message.password }, parent);
    return;
  }
  const parent = message.parent && { header: message.parent.header, identities: message.parent.identities.map((identity) => Buffer.from(identity)) };
  const frames = encodeMessage(
    {
      identities: message.channel === "iopub" ? [] : (parent?.identities ?? []),
      header: createHeader(message.msgType, session),
      parent_header: parent?.header ?? {},
      metadata: message.metadata ?? {},
      content: message.content,
    },
    key,
  );
  void send[message.channel](frames);
  if (message.endsAbortEpoch) abortEpoch++;
});

async function close() {
  // Let queued replies (the shutdown_reply) go out before the sockets close.
  await Promise.all([send.shell(), send.control(), send.iopub(), send.stdin()]);
  for (const socket of [shell, control, stdin, iopub, heartbeat]) socket.close();
  post({ kind: "closed" });
}

await Promise.all([
  shell.bind(channelAddress(connection, "shell")),
  control.bind(channelAddress(connection, "control")),
  stdin.bind(channelAddress(connection, "stdin")),
  iopub.bind(channelAddress(connection, "iopub")),
  heartbeat.bind(channelAddress(connection, "hb")),
]);
post({ kind: "ready" });
void serve("shell", shell);
void serve("control", control);
void serve("stdin", stdin);
void (async () => {
  for await (const frames of heartbeat) await heartbeat.send(frames);
})();
