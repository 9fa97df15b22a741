/**
 * What notebook users and broken clients do to a kernel: each fault is followed by a cell that reads
 * a variable set before it, so "the kernel survived with its state" is what is asserted.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { KernelClient, outputText, resultOf } from "./kernel-client.js";
import type { JupyterMessage } from "../../kernel/protocol/wire.js";

const contentOf = (message: JupyterMessage) => message.content as Record<string, unknown>;

describe("the kernel survives faults", () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await KernelClient.start();
    await kernel.executeAndWait("let kept = 41;");
  });
  after(async () => {
    await kernel.stop();
  });

  async function assertStateKept(): Promise<void> {
    const { reply, iopub } = await kernel.executeAndWait("kept + 1");
    assert.equal(contentOf(reply).status, "ok");
    assert.equal(resultOf(iopub), "42");
    assert.equal(kernel.process.exitCode, null, "the kernel process is still running");
  }

  /** stderr text sent on iopub with `msgId` as parent (the report may come after the cell's idle). */
  function stderrFor(msgId: string, pattern: RegExp): Promise<string> {
    return kernel.waitFor(
      () => {
        const text = kernel.iopubMessages
          .filter((message) => message.parent_header.msg_id === msgId && message.header.msg_type === "stream" && contentOf(message).name === "stderr")
          .map((message) => contentOf(message).text as string)
          .join("");
        return pattern.test(text) ? text : undefined;
      },
      30_000,
      `stderr matching ${pattern}`,
    );
  }

  it("reports a promise left rejected in the cell, in that cell, with a traceback in cell coordinates", async () => {
    const { reply, iopub } = await kernel.executeAndWait('Promise.reject(new Error("boom")); 1');
    assert.equal(contentOf(reply).status, "ok");
    assert.equal(resultOf(iopub), "1");
    const text = await stderrFor(reply.parent_header.msg_id!, /boom/);
    assert.match(text, /unhandled|nothing awaited/i);
    assert.match(text, /Promise\.reject/, "the traceback quotes the cell's line");
    await assertStateKept();
  });

  it("reports an exception thrown in a timer callback, attached to the cell that started it", async () => {
    const { reply } = await kernel.executeAndWait('setTimeout(() => { throw new Error("late") }, 10);\n"scheduled"');
    const text = await stderrFor(reply.parent_header.msg_id!, /late/);
    assert.match(text, /Cell In\[\d+\], line 1/);
    await assertStateKept();
  });

  it("reports an async function that rejects after its cell finished to that cell, not to the one running later", async () => {
    const { reply } = await kernel.executeAndWait(
      'async function rejectsLater() {\n  await new Promise((resolve) => setTimeout(resolve, 1500));\n  throw new Error("after the cell");\n}\nrejectsLater(); "started"',
    );
    const origin = reply.parent_header.msg_id!;
    const later = await kernel.executeAndWait("kept"); // finishes before the rejection
    const text = await stderrFor(origin, /after the cell/);
    assert.match(text, /Cell In\[\d+\], line 3/, "the frame is mapped to the line of the throw");
    assert.equal(outputText(later.iopub).includes("after the cell"), false);
    await assertStateKept();
  });

  it("turns process.exit() in a cell into a SystemExit error and keeps running", async () => {
    const { reply } = await kernel.executeAndWait("process.exit(3)");
    assert.deepEqual([contentOf(reply).status, contentOf(reply).ename], ["error", "SystemExit"]);
    const timer = await kernel.executeAndWait("setTimeout(() => process.exit(4), 10); 0");
    await stderrFor(timer.reply.parent_header.msg_id!, /SystemExit/);
    await assertStateKept();
  });

  it("answers is_complete: invalid for a lone closer, incomplete for an open block", async () => {
    assert.equal(contentOf(await kernel.request("shell", "is_complete_request", { code: "}" })).status, "invalid");
    assert.equal(contentOf(await kernel.request("shell", "is_complete_request", { code: "for (;;) {" })).status, "incomplete");
  });

  it("drops garbage frames, forged or missing signatures, truncated and unparsable messages with a log line", async () => {
    const withCode = () => kernel.encode("execute_request", { code: "(globalThis as any).brokenRan = true;", silent: false });
    kernel.sendFrames("shell", [randomBytes(64)]);
    kernel.sendFrames("shell", [randomBytes(8), randomBytes(1000), Buffer.alloc(0)]);
    const forged = withCode();
    forged.frames[1] = Buffer.from("f".repeat(64));
    kernel.sendFrames("shell", forged.frames);
    const unsigned = withCode();
    unsigned.frames[1] = Buffer.alloc(0);
    kernel.sendFrames("shell", unsigned.frames);
    kernel.sendFrames("shell", withCode().frames.slice(0, 4)); // delimiter, signature, header, parent only
    kernel.sendFrames("control", withCode().frames.slice(0, 3));
    const sent = [forged.msgId, unsigned.msgId];
    await assertStateKept();
    for (const id of sent)
      assert.equal(
        kernel.iopubMessages.some((message) => message.parent_header.msg_id === id),
        false,
      );
    assert.equal(resultOf((await kernel.executeAndWait("typeof (globalThis as any).brokenRan")).iopub), "'undefined'");
    assert.match(kernel.stderr, /rejected on shell: a message whose HMAC signature does not match/);
    assert.match(kernel.stderr, /rejected on shell: a message with \d+ frames and no complete <IDS\|MSG> section/);
  });

  it("drops a correctly signed message whose JSON does not parse, with a log line", async () => {
    const { frames } = kernel.encode("execute_request", { code: "1" });
    const header = Buffer.from('{"msg_type": "execute_request", broken');
    const { createHmac } = await import("node:crypto");
    const hmac = createHmac("sha256", kernel.key);
    for (const part of [header, frames[3]!, frames[4]!, frames[5]!]) hmac.update(part);
    kernel.sendFrames("shell", [frames[0]!, Buffer.from(hmac.digest("hex")), header, frames[3]!, frames[4]!, frames[5]!]);
    await assertStateKept();
    assert.match(kernel.stderr, /rejected an unreadable message on shell/);
  });

  it("answers an execute_request without code with an error reply, and logs an unknown msg_type", async () => {
    const reply = await kernel.request("shell", "execute_request", { silent: false });
    assert.deepEqual([contentOf(reply).status, contentOf(reply).ename], ["error", "InvalidRequest"]);
    const unknown = kernel.send("shell", "made_up_request", {});
    await kernel.iopubFor(unknown); // busy/idle around the ignored request
    assert.match(kernel.stderr, /ignoring a made_up_request request/);
    await assertStateKept();
  });

  it("runs a 10 MB cell", async () => {
    const size = 10 * 1024 * 1024;
    const { reply, iopub } = await kernel.executeAndWait(`const big = "${"a".repeat(size)}";\nbig.length`, {}, 300_000);
    assert.equal(contentOf(reply).status, "ok");
    assert.equal(resultOf(iopub), String(size));
    await kernel.executeAndWait("big = undefined as any;");
    await assertStateKept();
  });
});

describe("10,000 pipelined execute_requests", () => {
  it("are all answered, in order, and the kernel keeps its state", async () => {
    const kernel = await KernelClient.start();
    try {
      await kernel.executeAndWait("let kept = 41;");
      const ids = Array.from({ length: 10_000 }, () => kernel.execute("kept", { silent: true }));
      const replies: JupyterMessage[] = [];
      for (const id of ids) {
        replies.push(await kernel.reply("shell", id, 120_000));
        kernel.iopubMessages.length = 0; // keep the test process small
      }
      assert.ok(replies.every((reply) => contentOf(reply).status === "ok"));
      const { iopub } = await kernel.executeAndWait("kept + 1");
      assert.equal(resultOf(iopub), "42");
    } finally {
      await kernel.stop();
    }
  });
});

describe("the kernel exits cleanly", () => {
  for (const how of ["shutdown_request", "SIGTERM"] as const) {
    it(`on ${how}: exit code 0 and no native abort from the ZeroMQ worker`, async () => {
      const kernel = await KernelClient.start();
      const exited = new Promise<number | null>((resolve) => kernel.process.once("exit", (code) => resolve(code)));
      if (how === "SIGTERM") kernel.process.kill("SIGTERM");
      else kernel.send("control", "shutdown_request", { restart: false });
      assert.equal(await exited, 0);
      assert.doesNotMatch(kernel.stderr, /terminate called|Napi::Error|Abort/);
      await kernel.stop();
    });
  }
});

describe("a client killed mid-cell (jupyter_client)", () => {
  it("leaves the kernel idle with its state for a client that reconnects through the connection file", async () => {
    const kernel = await KernelClient.start();
    try {
      await kernel.executeAndWait("let beforeKill = 5;");
      const python = (script: string, timeout: number) =>
        spawnSync("/usr/bin/python3", ["-c", script, kernel.connectionFile], { encoding: "utf8", timeout, killSignal: "SIGKILL" });
      // The first client starts a cell and is killed (SIGKILL, by the timeout) while it runs.
      const killed = python(
        [
          "import sys, time",
          "from jupyter_client import BlockingKernelClient",
          "c = BlockingKernelClient(connection_file=sys.argv[1]); c.load_connection_file(); c.start_channels(); c.wait_for_ready(timeout=30)",
          'c.execute("await new Promise((resolve) => setTimeout(resolve, 4000));\\nbeforeKill = beforeKill + 1;")',
          "print('sent', flush=True); time.sleep(60)",
        ].join("\n"),
        8_000,
      );
      assert.equal(killed.signal, "SIGKILL", `the first client was killed mid-cell (stdout ${killed.stdout}, stderr ${killed.stderr})`);
      assert.match(killed.stdout, /sent/);
      const reconnected = python(
        [
          "import sys, json",
          "from jupyter_client import BlockingKernelClient",
          "c = BlockingKernelClient(connection_file=sys.argv[1]); c.load_connection_file(); c.start_channels(); c.wait_for_ready(timeout=30)",
          "values = []",
          'reply = c.execute_interactive("beforeKill", timeout=60, output_hook=lambda m: values.append(m["content"]["data"]["text/plain"]) if m["header"]["msg_type"] == "execute_result" else None)',
          "states = []",
          "c.kernel_info(); ",
          "while True:",
          "    m = c.get_iopub_msg(timeout=10)",
          '    if m["header"]["msg_type"] == "status": states.append(m["content"]["execution_state"]); break',
          'print(json.dumps({"status": reply["content"]["status"], "values": values, "state": states[-1]}))',
        ].join("\n"),
        60_000,
      );
      assert.equal(reconnected.status, 0, reconnected.stderr);
      const outcome = JSON.parse(reconnected.stdout.trim().split("\n").pop()!) as { status: string; values: string[]; state: string };
      // The killed client's cell finished in the kernel (6), and the kernel went idle again.
      assert.deepEqual(outcome.values, ["6"]);
      assert.equal(outcome.status, "ok");
      assert.equal(kernel.process.exitCode, null);
    } finally {
      await kernel.stop();
    }
  });
});
