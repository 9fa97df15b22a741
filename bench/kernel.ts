/**
 * Kernel start-up and typed-cell latency, medians over several runs, with tslab (a dependency, for
 * notebooks written for it) measured the same way in the same run for comparison.
 * Targets (issue 2): start → kernel_info_reply ≤ 150 ms; a type-checked cell ≤ 10 ms;
 * `import { tf, keras } from "tskeras"` ≤ 0.3 s.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { KernelClient } from "../test/protocol/kernel-client.js";
import { repositoryRoot } from "../test/support/kernelspec.js";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(
  name: string,
  command: ((connectionFile: string) => string[]) | undefined,
  starts: number,
  cells: number,
): Promise<{ start: number; cell: number; importTime?: number }> {
  const startTimes: number[] = [];
  for (let run = 0; run < starts; run++) {
    const kernel = await KernelClient.start({ command });
    startTimes.push(kernel.startupMilliseconds);
    await kernel.stop();
  }
  const kernel = await KernelClient.start({ command });
  await kernel.executeAndWait("const warm: number = 1;", {}, 120_000); // loads the compiler
  const cellTimes: number[] = [];
  for (let index = 0; index < cells; index++) {
    const started = performance.now();
    await kernel.executeAndWait(`const value${index}: number = ${index};\nvalue${index} + 1`);
    cellTimes.push(performance.now() - started);
  }
  let importTime: number | undefined;
  if (!command) {
    const started = performance.now();
    const { reply } = await kernel.executeAndWait('import { tf, keras } from "tskeras";', {}, 120_000);
    if ((reply.content as { status: string }).status === "ok") importTime = performance.now() - started;
  }
  await kernel.stop();
  console.log(
    `${name.padEnd(8)} start → kernel_info_reply: ${median(startTimes).toFixed(0)} ms (median of ${starts}); typed cell round trip: ${median(cellTimes).toFixed(1)} ms (median of ${cells})${importTime === undefined ? "" : `; import { tf, keras }: ${importTime.toFixed(0)} ms`}`,
  );
  return { start: median(startTimes), cell: median(cellTimes), importTime };
}

const ours = await measure("tskeras", undefined, 7, 30);
const tslabBin = join(repositoryRoot, "node_modules/tslab/bin/tslab");
if (existsSync(tslabBin)) {
  const theirs = await measure("tslab", (connectionFile) => [tslabBin, "kernel", "--config-path", connectionFile], 3, 15);
  console.log(`ratios (tslab / tskeras): start ${(theirs.start / ours.start).toFixed(1)}×, typed cell ${(theirs.cell / ours.cell).toFixed(1)}×`);
}
