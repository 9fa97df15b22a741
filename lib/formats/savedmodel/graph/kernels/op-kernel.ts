/**
 * The contract between the graph runtime and one op implementation: an op kernel gets
 * its node, its evaluated inputs and its attributes, and returns its outputs in order.
 *
 * @example
 * ```ts
 * const relu: OpKernel = (context) => [tf.relu(context.tensor(0))];
 * ```
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { NodeDef } from "../../../protobuf/messages.js";
import type { NodeAttributes } from "../attributes.js";
import { isTensorList, isVariableHandle, type GraphValue, type VariableHandle } from "../values.js";

export interface KernelContext {
  readonly node: NodeDef;
  readonly inputs: readonly GraphValue[];
  readonly attributes: NodeAttributes;
  /** Runs a function of the library (for call ops). */
  callFunction(name: string, inputs: GraphValue[]): GraphValue[];
}

export type OpKernel = (context: KernelContext) => GraphValue[];

/** Input `index` as a tensor; fails with the node's name if it is missing or a variable handle. */
export function inputTensor(context: KernelContext, index: number): tf.Tensor {
  const value = context.inputs[index];
  if (value === undefined) {
    throw new Error(`Node "${context.node.name}" (op ${context.node.op}) expected at least ${index + 1} inputs but got ${context.inputs.length}.`);
  }
  if (isVariableHandle(value)) {
    throw new Error(
      `Node "${context.node.name}" (op ${context.node.op}) got the variable handle "${value.name}" as input ${index}, ` +
        `where a tensor was expected. The graph should read it with ReadVariableOp first.`,
    );
  }
  if (isTensorList(value)) {
    throw new Error(`Node "${context.node.name}" (op ${context.node.op}) got a TensorList as input ${index}, where a tensor was expected.`);
  }
  return value;
}

/** Input `index` as a variable handle; fails with the node's name otherwise. */
export function inputHandle(context: KernelContext, index: number): VariableHandle {
  const value = context.inputs[index];
  if (value === undefined || !isVariableHandle(value)) {
    throw new Error(
      `Node "${context.node.name}" (op ${context.node.op}) expected a variable handle as input ${index}. ` +
        `Variables reach functions as resource inputs bound through the SavedModel's object graph.`,
    );
  }
  return value;
}

/** Integer values of a small tensor input (axes, shapes, sizes): read synchronously. */
export function inputInts(context: KernelContext, index: number): number[] {
  return Array.from(inputTensor(context, index).dataSync(), (value) => Number(value));
}
