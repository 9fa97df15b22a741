/**
 * Runs every benchmark in bench/ (each a script that prints its own report) one after another.
 * Benchmarks report ratios against baselines measured in the same run; they never fail a build.
 * Usage: npm run bench [-- NAME ...]   (NAME: a part of a benchmark's file name)
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const directory = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(directory)
  .filter((name) => name.endsWith(".js") && name !== "run.js")
  .filter((name) => only.length === 0 || only.some((part) => name.includes(part)))
  .sort();
for (const script of scripts) {
  console.log(`\n=== ${script.replace(/\.js$/, "")} ===`);
  const result = spawnSync(process.execPath, [join(directory, script)], { stdio: "inherit" });
  if (result.status !== 0) console.log(`(${script} exited with ${result.status ?? result.signal})`);
}
