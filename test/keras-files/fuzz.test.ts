// 1,200 mutated or truncated variants of real .h5 and .keras files go through inspectFile, and a
// share of them through loadKerasModel / loadKerasWeights. Each fixture's variants run in a worker
// thread that reports every case as it starts; a case that does not finish within CASE_DEADLINE_MS
// is a hang (the worker is stopped, which also interrupts a synchronous wasm loop, and the run goes
// on from the next variant), and a worker that dies is a crash. Expected: no hang, no crash, and
// every case either succeeds or fails with a tskeras error naming the file and saying what is wrong.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import * as tfc from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { loadModel as loadKerasModel } from "../../lib/keras/saving/api.js";
import { fixturePath, flatten, readReference } from "./reference-fixtures.js";
import type { FuzzJob, FuzzMessage } from "./fuzz-worker.js";
// The loaders rebuild models with the Keras classes, which register themselves when lib/keras is loaded.
import "../../lib/keras/index.js";

tfc.env().set("IS_TEST", true);
await tfc.setBackend("cpu");

/** Far above the slowest legitimate case (loading the 1.5 MB CNN archive, well under a second alone). */
const CASE_DEADLINE_MS = 20_000;

/** Errors tskeras raises explain what was wrong with the file in one of these ways. */
const clearMessage =
  /corrupt|holds only weights|could not be rebuilt|truncated|not a readable zip|not valid JSON|is missing|not a Keras|unknown class|Refus|expects \d+ weights|has shape|holds weights for|not HDF5|could not be opened|is not text|not a numeric array|not a \{class_name, config\}|does not read|match no layer|has no variables for|is not a model file|has no \S+ member/;

interface FuzzReport {
  cases: number;
  operations: number;
  succeeded: number;
  refused: number;
  hangs: string[];
  crashes: string[];
  unclear: string[];
  mutations: Set<string>;
  /** Cases the library itself stopped because HDF5 looped (refused with a clear error, not hangs). */
  stoppedLoops: number;
}

/** Runs variants [0, count) of one fixture in worker threads, replacing a worker that hangs or dies. */
async function fuzzInWorkers(job: Omit<FuzzJob, "first" | "count">, count: number): Promise<FuzzReport> {
  const report: FuzzReport = { cases: 0, operations: 0, succeeded: 0, refused: 0, hangs: [], crashes: [], unclear: [], mutations: new Set(), stoppedLoops: 0 };
  let next = 0;
  while (next < count) {
    next = await new Promise<number>((resolve) => {
      const worker = new Worker(new URL("./fuzz-worker.js", import.meta.url), { workerData: { ...job, first: next, count: count - next } satisfies FuzzJob });
      let current = next;
      let finished = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (resumeAt: number) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        resolve(resumeAt);
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          report.hangs.push(`${job.original} variant ${current} (seed ${job.seed}) did not finish within ${CASE_DEADLINE_MS} ms`);
          void worker.terminate();
          finish(current + 1);
        }, CASE_DEADLINE_MS);
      };
      arm();
      worker.on("message", (message: FuzzMessage) => {
        current = message.variant;
        arm();
        if (message.type !== "done") return;
        report.cases++;
        report.mutations.add(message.mutation.replace(/\d+/g, "N").replace(/member \S+/, "member"));
        for (const outcome of message.outcomes) {
          report.operations++;
          if (outcome.error === null) {
            report.succeeded++;
            continue;
          }
          report.refused++;
          if (/did not finish within/.test(outcome.error)) report.stoppedLoops++;
          const where = `variant ${message.variant} (${message.mutation}), ${outcome.operation}`;
          if (!outcome.errorIsError || !clearMessage.test(outcome.error) || !outcome.error.includes(`variant-${message.variant}.${job.suffix}`)) {
            report.unclear.push(`${where}: ${outcome.error.slice(0, 300)}`);
          }
        }
      });
      worker.on("error", (error) => {
        report.crashes.push(`${job.original} variant ${current}: the worker died: ${error.stack ?? error.message}`);
        finish(current + 1);
      });
      worker.on("exit", (code) => {
        if (finished) return;
        if (code !== 0) report.crashes.push(`${job.original} variant ${current}: the worker exited with code ${code}`);
        finish(code === 0 ? count : current + 1);
      });
    });
  }
  return report;
}

function assertClean(report: FuzzReport, count: number): void {
  assert.deepEqual(report.hangs, [], "hangs");
  assert.deepEqual(report.crashes, [], "crashes");
  assert.deepEqual(report.unclear.slice(0, 5), [], `${report.unclear.length} unclear errors`);
  assert.equal(report.cases, count, "every variant ran");
}

const fixtures: { id: string; suffix: string; count: number; loadEvery: number; architecture?: string }[] = [
  { id: "k2h5_2.12.0_dense", suffix: "h5", count: 250, loadEvery: 5 },
  { id: "k2h5_2.3.1_cnn", suffix: "h5", count: 200, loadEvery: 20 },
  { id: "wh5_2.12.0_dense", suffix: "h5", count: 150, loadEvery: 3, architecture: "k2h5_2.12.0_dense" },
  { id: "k3_3.15.0_nested_custom", suffix: "keras", count: 200, loadEvery: 5 },
  { id: "k3_3.10.0_cnn", suffix: "keras", count: 200, loadEvery: 20 },
];

test(`fuzz: ${fixtures.reduce((total, fixture) => total + fixture.count, 0)} variants of real .h5 and .keras files, each case under a deadline in a worker`, {
  timeout: 600_000,
}, async (context) => {
  // Two fixtures at a time (one worker each, plus each worker's HDF5 reader thread).
  const reports = new Map<string, FuzzReport>();
  const queue = fixtures.map((fixture, index) => ({ fixture, seed: index + 1 }));
  await Promise.all(
    [0, 1].map(async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const { fixture, seed } = job;
        const architecture = fixture.architecture ? fixturePath(readReference(fixture.architecture)) : null;
        reports.set(
          fixture.id,
          await fuzzInWorkers(
            { original: fixturePath(readReference(fixture.id)), suffix: fixture.suffix, seed, loadEvery: fixture.loadEvery, architecture },
            fixture.count,
          ),
        );
      }
    }),
  );
  let total = 0;
  for (const fixture of fixtures) {
    const report = reports.get(fixture.id)!;
    await context.test(`${fixture.count} variants of ${fixture.id}`, () => {
      assertClean(report, fixture.count);
      // The mutations must be strong enough to be refused often, and varied (every kind occurred).
      assert.ok(report.refused > fixture.count / 4, `only ${report.refused} of ${report.operations} operations were refused: the mutations are too weak`);
      assert.equal(report.mutations.size, fixture.suffix === "keras" ? 5 : 3, [...report.mutations].join("; "));
      context.diagnostic(
        `${fixture.id}: ${report.cases} cases, ${report.operations} operations, ${report.succeeded} succeeded, ${report.refused} refused (${report.stoppedLoops} HDF5 loops stopped by the library)`,
      );
      total += report.cases;
    });
  }
  assert.ok(total >= 1000, `${total} variants`);
});

test("after the fuzzing, the original files still load and predict", async () => {
  const reference = readReference("k2h5_2.12.0_dense");
  const model = await loadKerasModel(fixturePath(reference));
  const input = reference.prediction!.inputs[0]!;
  const output = model.predict(tfc.tensor(flatten(input.values), input.shape)) as tfc.Tensor;
  const expected = flatten(reference.prediction!.outputs[0]!.values);
  Array.from(output.dataSync()).forEach((value, index) => assert.ok(Math.abs(value - expected[index]!) <= 1e-4));
  model.dispose();
});
