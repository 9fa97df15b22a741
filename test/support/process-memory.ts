import { existsSync, readdirSync, readFileSync } from "node:fs";

/** Resident memory (KB) of a process and all its descendants, from /proc (Linux). */
export function residentKilobytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  let total = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const tasks = `/proc/${pid}/task`;
  if (existsSync(tasks)) {
    for (const task of readdirSync(tasks)) {
      const children = readFileSync(`${tasks}/${task}/children`, "utf8").trim();
      for (const child of children ? children.split(/\s+/) : []) {
        try {
          total += residentKilobytes(Number(child));
        } catch {
          // the child ended while we looked
        }
      }
    }
  }
  return total;
}
