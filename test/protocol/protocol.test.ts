import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KernelClient, outputText, resultOf } from "./kernel-client.js";

const typeOf = (message: { header: { msg_type: string } }) => message.header.msg_type;

describe("Jupyter protocol over ZeroMQ", () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await KernelClient.start();
  });
  after(async () => {
    await kernel.stop();
  });

  it("rejects a forged signature (no reply, nothing run) and keeps answering signed requests", async () => {
    const forged = kernel.send("shell", "execute_request", { code: "(globalThis as any).forgedRan = true;", silent: false }, { forgeSignature: true });
    await assert.rejects(kernel.reply("shell", forged, 1500), /timed out/);
    const { iopub } = await kernel.executeAndWait("typeof (globalThis as any).forgedRan");
    assert.equal(resultOf(iopub), "'undefined'");
    assert.match(kernel.stderr, /rejected on shell: a message whose HMAC signature does not match/);
  });

  it("publishes busy, execute_input, stream, execute_result, idle in order, with the request as parent", async () => {
    const { reply, iopub } = await kernel.executeAndWait('console.log("out");\n6 * 7');
    assert.equal((reply.content as { status: string }).status, "ok");
    assert.deepEqual(iopub.map(typeOf), ["status", "execute_input", "stream", "execute_result", "status"]);
    assert.equal(outputText(iopub), "out\n");
    assert.equal(resultOf(iopub), "42");
  });

  it("stops a synchronous infinite loop on interrupt_request and keeps the state", async () => {
    await kernel.executeAndWait("let keptAcrossInterrupt = 41;");
    const loop = kernel.execute("while (true) {}");
    await new Promise((resolve) => setTimeout(resolve, 700));
    const interrupt = await kernel.request("control", "interrupt_request", {});
    assert.equal((interrupt.content as { status: string }).status, "ok");
    const reply = await kernel.reply("shell", loop, 10_000);
    assert.deepEqual([(reply.content as { status: string }).status, (reply.content as { ename: string }).ename], ["error", "KeyboardInterrupt"]);
    const { iopub } = await kernel.executeAndWait("keptAcrossInterrupt + 1");
    assert.equal(resultOf(iopub), "42");
  });

  it("stops a synchronous loop on SIGINT (Jupyter's signal interrupt mode)", async () => {
    const loop = kernel.execute("for (;;) {}");
    await new Promise((resolve) => setTimeout(resolve, 700));
    kernel.process.kill("SIGINT");
    const reply = await kernel.reply("shell", loop, 10_000);
    assert.equal((reply.content as { ename: string }).ename, "KeyboardInterrupt");
    assert.equal(resultOf((await kernel.executeAndWait("keptAcrossInterrupt")).iopub), "41");
  });

  it("stops a pending await on interrupt_request and keeps the state", async () => {
    const waiting = kernel.execute("keptAcrossInterrupt = 7;\nawait new Promise(() => {});");
    await new Promise((resolve) => setTimeout(resolve, 700));
    await kernel.request("control", "interrupt_request", {});
    const reply = await kernel.reply("shell", waiting, 10_000);
    assert.equal((reply.content as { ename: string }).ename, "KeyboardInterrupt");
    assert.equal(resultOf((await kernel.executeAndWait("keptAcrossInterrupt")).iopub), "7");
  });

  it("sends no output after a cell's idle status across 200 quick cells", async () => {
    const ids = Array.from({ length: 200 }, (_, index) => kernel.execute(`console.log("cell ${index}");`));
    await kernel.iopubFor(ids[ids.length - 1]!, 120_000);
    for (const [index, id] of ids.entries()) {
      const positions = kernel.iopubMessages.map((message, position) => ({ message, position })).filter(({ message }) => message.parent_header.msg_id === id);
      const idle = positions.find(({ message }) => typeOf(message) === "status" && (message.content as { execution_state: string }).execution_state === "idle");
      const streams = positions.filter(({ message }) => typeOf(message) === "stream");
      assert.ok(idle, `cell ${index} has an idle status`);
      assert.equal(streams.map(({ message }) => (message.content as { text: string }).text).join(""), `cell ${index}\n`);
      assert.ok(
        streams.every(({ position }) => position < idle.position),
        `cell ${index}: output after idle`,
      );
    }
  });

  it("aborts queued cells after an error when stop_on_error is set, and runs them otherwise", async () => {
    const failing = kernel.execute('throw new Error("first fails");');
    const queued = [kernel.execute("1 + 1"), kernel.execute("2 + 2")];
    assert.equal(((await kernel.reply("shell", failing)).content as { status: string }).status, "error");
    for (const id of queued) assert.equal(((await kernel.reply("shell", id)).content as { status: string }).status, "aborted");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const failingAgain = kernel.execute('throw new Error("fails too");', { stop_on_error: false });
    const runs = kernel.execute("3 + 3", { stop_on_error: false });
    await kernel.reply("shell", failingAgain);
    assert.equal(((await kernel.reply("shell", runs)).content as { status: string }).status, "ok");
  });

  it("asks the frontend for input (input_request on stdin) and uses the answer", async () => {
    const id = kernel.execute('const answer = prompt("Your name?");\n`hello ${answer}`', { allow_stdin: true });
    const request = await kernel.waitFor(() => kernel.inputRequests().find((message) => message.parent_header.msg_id === id), 30_000, "input_request");
    assert.deepEqual(request.content, { prompt: "Your name?", password: false });
    kernel.send("stdin", "input_reply", { value: "Ada" });
    await kernel.reply("shell", id);
    assert.equal(resultOf(await kernel.iopubFor(id)), "'hello Ada'");
  });

  it("answers comm_info with no comms and closes a frontend's comm_open (no targets registered)", async () => {
    const info = await kernel.request("shell", "comm_info_request", { target_name: "jupyter.widget" });
    assert.deepEqual(info.content, { status: "ok", comms: {} });
    const open = kernel.send("shell", "comm_open", { comm_id: "c0ffee", target_name: "jupyter.widget", data: {} });
    const messages = await kernel.iopubFor(open);
    const close = messages.find((message) => typeOf(message) === "comm_close");
    assert.deepEqual(close?.content, { comm_id: "c0ffee", data: {} });
  });

  it("answers history_request from the persisted history", async () => {
    await kernel.executeAndWait("const historyMarker = 'tail check';");
    const reply = await kernel.request("shell", "history_request", { hist_access_type: "tail", n: 1, output: false, raw: true });
    const history = (reply.content as { history: Array<[number, number, string]> }).history;
    assert.equal(history.length, 1);
    assert.equal(history[0]![2], "const historyMarker = 'tail check';");
  });
});

describe("kernel lifecycle", () => {
  it("keeps answering heartbeats during a 20 s blocking cell", async () => {
    const kernel = await KernelClient.start();
    try {
      const blocking = kernel.execute("const until = Date.now() + 20_000;\nwhile (Date.now() < until) {}");
      const started = Date.now();
      let pings = 0;
      while (Date.now() - started < 19_000) {
        const roundTrip = await kernel.ping();
        assert.ok(roundTrip < 2000);
        pings++;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      assert.ok(pings >= 15, `only ${pings} heartbeats answered`);
      const info = await kernel.request("control", "kernel_info_request", {}, { timeoutMs: 2000 });
      assert.equal((info.content as { implementation: string }).implementation, "tskeras", "control answers while the cell blocks");
      assert.equal(((await kernel.reply("shell", blocking, 30_000)).content as { status: string }).status, "ok");
    } finally {
      await kernel.stop();
    }
  });

  it("shuts down on request (with restart echoed) and exits cleanly", async () => {
    const kernel = await KernelClient.start();
    const exited = new Promise<number | null>((resolve) => kernel.process.once("exit", (code) => resolve(code)));
    const reply = await kernel.request("control", "shutdown_request", { restart: true });
    assert.deepEqual(reply.content, { status: "ok", restart: true });
    assert.equal(await exited, 0);
    assert.doesNotMatch(kernel.stderr, /terminate called|Napi::Error/);
    await kernel.stop();
  });
});
