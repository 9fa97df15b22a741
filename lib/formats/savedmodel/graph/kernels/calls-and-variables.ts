/**
 * Ops that connect functions and variables: function calls and variable reads.
 *
 * @example
 * ```ts
 * // StatefulPartitionedCall(x, kernel_handle) with f = "__inference_call_15"
 * callKernels.StatefulPartitionedCall!(context); // outputs of __inference_call_15
 * ```
 */
import { inputHandle, type KernelContext, type OpKernel } from "./kernel.js";
import type { GraphValue } from "../values.js";

const call = (context: KernelContext): GraphValue[] =>
  context.callFunction(context.attributes.func("f").name!, [...context.inputs]);

export const callKernels: Record<string, OpKernel> = {
  StatefulPartitionedCall: call,
  PartitionedCall: call,
  NoOp: () => [],
  ReadVariableOp: (context) => [inputHandle(context, 0).read()],
};
