import { cpuUsage } from "node:process";
import type { MagicContext, MagicDefinition } from "../../lib/magics/registry.js";
import { UsageError } from "../../lib/magics/registry.js";
import { formatTime } from "./format-time.js";

async function timeCode(code: string, context: MagicContext): Promise<unknown> {
  const cpuBefore = cpuUsage();
  const wallBefore = performance.now();
  try {
    return await context.runCode(code);
  } finally {
    const wall = (performance.now() - wallBefore) / 1000;
    const cpu = cpuUsage(cpuBefore);
    const user = cpu.user / 1e6;
    const system = cpu.system / 1e6;
    context.print(`CPU times: user ${formatTime(user)}, sys: ${formatTime(system)}, total: ${formatTime(user + system)}\nWall time: ${formatTime(wall)}\n`);
  }
}

function parseTimeitOptions(line: string): { runs: number; loops: number | undefined; code: string } {
  let runs = 7;
  let loops: number | undefined;
  let rest = line;
  for (;;) {
    const option = /^-([nr])\s*(\d+)\s*/.exec(rest);
    if (!option) break;
    if (option[1] === "n") loops = Number(option[2]);
    else runs = Number(option[2]);
    rest = rest.slice(option[0].length);
  }
  if (runs < 1 || loops === 0) throw new UsageError("%timeit needs -r and -n of at least 1, e.g. %timeit -r 7 -n 100 code");
  return { runs, loops, code: rest };
}

async function timeit(options: { runs: number; loops: number | undefined }, code: string, context: MagicContext): Promise<void> {
  const timeLoops = async (count: number): Promise<number> => {
    const started = performance.now();
    for (let index = 0; index < count; index++) await context.runCode(code);
    return (performance.now() - started) / 1000;
  };
  let loops = options.loops;
  if (loops === undefined) {
    // Like IPython: grow the loop count (1, 2, 5, 10, 20, …) until one run takes at least 0.2 s.
    loops = 1;
    calibrate: for (let scale = 1; scale <= 1e9; scale *= 10) {
      for (const step of [1, 2, 5]) {
        loops = step * scale;
        if ((await timeLoops(loops)) >= 0.2) break calibrate;
      }
    }
  }
  const perLoop: number[] = [];
  for (let run = 0; run < options.runs; run++) perLoop.push((await timeLoops(loops)) / loops);
  const mean = perLoop.reduce((sum, value) => sum + value, 0) / perLoop.length;
  const deviation = Math.sqrt(perLoop.reduce((sum, value) => sum + (value - mean) ** 2, 0) / perLoop.length);
  const runsText = `${options.runs} run${options.runs === 1 ? "" : "s"}`;
  const loopsText = `${loops.toLocaleString("en-US")} loop${loops === 1 ? "" : "s"}`;
  context.print(`${formatTime(mean)} \u00b1 ${formatTime(deviation)} per loop (mean \u00b1 std. dev. of ${runsText}, ${loopsText} each)\n`);
}

export const timeMagics: MagicDefinition[] = [
  {
    name: "time",
    help: "%time CODE / %%time: runs the code once and prints CPU and wall time (IPython's format); the code's value is the result.",
    takesCode: true,
    line: (line, context) => {
      if (!line) throw new UsageError("%time needs code to time, e.g. %time await model.fit(x, y)");
      return timeCode(line, context);
    },
    cell: (_line, body, context) => timeCode(body, context),
  },
  {
    name: "timeit",
    help: "%timeit [-n LOOPS] [-r RUNS] CODE / %%timeit: times the code over several runs and prints mean ± std. dev. per loop.",
    takesCode: true,
    line: async (line, context) => {
      const options = parseTimeitOptions(line);
      if (!options.code) throw new UsageError("%timeit needs code to time, e.g. %timeit tf.matMul(a, b).dispose()");
      await timeit(options, options.code, context);
    },
    cell: async (line, body, context) => {
      await timeit(parseTimeitOptions(line), body, context);
    },
  },
];
