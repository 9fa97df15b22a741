/**
 * The two spellings of an edge in TensorFlow graphs.
 *
 * - In a GraphDef: `node` or `node:3` (output 3), `^node` for a control dependency.
 * - In a FunctionDef body: `arg` or `arg:0` for the function's own inputs, and
 *   `node:out_arg:2` for element 2 of the output argument named `out_arg` of `node`
 *   (`node:out_arg` alone means the whole argument list).
 *
 * @example
 * ```ts
 * parseGraphEdge("StatefulPartitionedCall:0");  // { node: "StatefulPartitionedCall", index: 0, control: false }
 * parseFunctionEdge("mul:z:0", new Set(["x"])); // { kind: "output", node: "mul", outputArg: "z", index: 0 }
 * ```
 */

export interface GraphEdge {
  node: string;
  index: number;
  control: boolean;
}

export function parseGraphEdge(text: string): GraphEdge {
  if (text.startsWith("^")) return { node: text.slice(1), index: 0, control: true };
  const match = /^(.*):(\d+)$/.exec(text);
  if (match) return { node: match[1]!, index: Number(match[2]), control: false };
  return { node: text, index: 0, control: false };
}

export type FunctionEdge =
  | { kind: "control"; node: string }
  | { kind: "argument"; name: string; index: number | undefined }
  | { kind: "output"; node: string; outputArg: string; index: number | undefined };

export function parseFunctionEdge(text: string, argumentNames: ReadonlySet<string>): FunctionEdge {
  if (text.startsWith("^")) return { kind: "control", node: text.slice(1) };
  const parts = text.split(":");
  if (parts.length === 1) return { kind: "argument", name: text, index: undefined };
  if (parts.length === 2 && argumentNames.has(parts[0]!)) {
    return { kind: "argument", name: parts[0]!, index: Number(parts[1]) };
  }
  if (parts.length === 2) return { kind: "output", node: parts[0]!, outputArg: parts[1]!, index: undefined };
  return { kind: "output", node: parts[0]!, outputArg: parts[1]!, index: Number(parts[2]) };
}
