import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | undefined;

/**
 * Runs a full garbage collection now. The kernel calls it when it has been idle a moment and every
 * few hundred cells: compiling a cell leaves megabytes of garbage that V8 would otherwise keep
 * (as process memory) until much later. Exposed at run time, so the kernel needs no node flags.
 */
export function collectGarbage(): void {
  if (!collect) {
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
  }
  collect();
}
