/**
 * Where each named output argument of an op starts in the op's flat output list.
 * Function bodies name edges by output argument (`node:out_arg:i`); the runtime stores
 * outputs flat, so `i` must be shifted by the sizes of the arguments before `out_arg`.
 *
 * Op definitions come from the MetaGraph's stripped op list and the function library;
 * for ops missing from both, a short table covers the common ops with several output
 * arguments, and every other op is assumed to have a single output argument (true for
 * almost all ops), so its elements start at 0.
 *
 * @example
 * ```ts
 * const layouts = new OutputLayouts(strippedOps);
 * layouts.offsetOf(fusedBatchNormNode, "batch_variance"); // 2
 * ```
 */
import type { ArgDef, NodeDef, OpDef } from "../../protobuf/messages.js";

/** Output argument names of common multi-output ops, in order (each a single tensor). */
const knownOutputArguments: Record<string, string[]> = {
  FusedBatchNorm: ["y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"],
  FusedBatchNormV2: ["y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2"],
  FusedBatchNormV3: ["y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2", "reserve_space_3"],
  Unique: ["y", "idx"],
  TopKV2: ["values", "indices"],
  BroadcastGradientArgs: ["r0", "r1"],
};

export class OutputLayouts {
  private readonly opDefinitions = new Map<string, OpDef>();

  constructor(opDefinitions: Iterable<OpDef>) {
    for (const definition of opDefinitions) this.opDefinitions.set(definition.name, definition);
  }

  /** Index in the flat output list of element 0 of `outputArg`. */
  offsetOf(node: NodeDef, outputArg: string): number {
    const definition = this.opDefinitions.get(node.op);
    if (definition !== undefined) {
      let offset = 0;
      for (const argument of definition.output_arg) {
        if (argument.name === outputArg) return offset;
        offset += argumentLength(argument, node);
      }
      throw new Error(
        `Node "${node.name}" (op ${node.op}) has no output argument "${outputArg}"; ` +
          `its outputs are ${definition.output_arg.map((argument) => argument.name).join(", ")}.`,
      );
    }
    const known = knownOutputArguments[node.op];
    if (known !== undefined && known.includes(outputArg)) return known.indexOf(outputArg);
    return 0;
  }

  /** Number of tensors in `outputArg`, or `undefined` when the op is unknown (then it is "all the rest"). */
  lengthOf(node: NodeDef, outputArg: string): number | undefined {
    const argument = this.opDefinitions.get(node.op)?.output_arg.find((candidate) => candidate.name === outputArg);
    if (argument !== undefined) return argumentLength(argument, node);
    return knownOutputArguments[node.op]?.includes(outputArg) ? 1 : undefined;
  }
}

function argumentLength(argument: ArgDef, node: NodeDef): number {
  if (argument.number_attr) return node.attr[argument.number_attr]?.i ?? 1;
  if (argument.type_list_attr) return node.attr[argument.type_list_attr]?.list?.type.length ?? 0;
  return 1;
}
