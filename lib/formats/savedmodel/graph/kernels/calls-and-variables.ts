/**
 * Ops that connect functions and variables: function calls and variable reads.
 *
 * @example
 * ```ts
 * // StatefulPartitionedCall(x, kernel_handle) with f = "__inference_call_15"
 * callKernels.StatefulPartitionedCall!(context); // outputs of __inference_call_15
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";
import { inputHandle, inputTensor, type KernelContext, type OpKernel } from "./op-kernel.js";
import type { GraphValue } from "../values.js";

const call = (context: KernelContext): GraphValue[] => context.callFunction(context.attributes.func("f").name!, [...context.inputs]);

export const callKernels: Record<string, OpKernel> = {
  StatefulPartitionedCall: call,
  PartitionedCall: call,
  NoOp: () => [],
  ReadVariableOp: (context) => [inputHandle(context, 0).read()],
  AssignVariableOp: (context) => {
    inputHandle(context, 0).assign(inputTensor(context, 1));
    return [];
  },
  AssignAddVariableOp: (context) => {
    const handle = inputHandle(context, 0);
    handle.assign(tf.add(handle.read(), inputTensor(context, 1)));
    return [];
  },
  AssignSubVariableOp: (context) => {
    const handle = inputHandle(context, 0);
    handle.assign(tf.sub(handle.read(), inputTensor(context, 1)));
    return [];
  },
};
