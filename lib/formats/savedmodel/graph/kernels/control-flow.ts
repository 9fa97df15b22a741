/**
 * Functional control flow: TF2 graphs express `tf.cond`, `tf.switch_case` and
 * `tf.while_loop` as ops whose branches and loop bodies are library functions.
 *
 * @example
 * ```ts
 * // StatelessIf(cond, x) with then_branch = "f_true", else_branch = "f_false"
 * controlFlowKernels.StatelessIf!(context); // outputs of f_true when cond is true
 * ```
 */
import type * as tf from "@tensorflow/tfjs-core";
import { inputTensor, type KernelContext, type OpKernel } from "./op-kernel.js";
import { isTensorList, isVariableHandle, type GraphValue } from "../values.js";

/** TensorFlow's truth rule for a predicate: a scalar is tested by value, any other tensor by being non-empty. */
function isTrue(predicate: tf.Tensor): boolean {
  if (predicate.rank > 0) return predicate.size > 0;
  if (predicate.dtype === "string") return String(predicate.arraySync()).length > 0;
  return predicate.dataSync()[0] !== 0;
}

function conditional(context: KernelContext): GraphValue[] {
  const branch = isTrue(inputTensor(context, 0)) ? "then_branch" : "else_branch";
  return context.callFunction(context.attributes.func(branch).name!, context.inputs.slice(1));
}

function switchCase(context: KernelContext): GraphValue[] {
  const branches = context.node.attr.branches?.list?.func ?? [];
  if (branches.length === 0) throw new Error(`Node "${context.node.name}" (op ${context.node.op}) has no branches.`);
  const index = Number(inputTensor(context, 0).dataSync()[0]);
  // Out-of-range indices select the last branch, which tf.switch_case uses as the default.
  const chosen = index >= 0 && index < branches.length ? branches[index]! : branches[branches.length - 1]!;
  return context.callFunction(chosen.name!, context.inputs.slice(1));
}

function whileLoop(context: KernelContext): GraphValue[] {
  const condition = context.attributes.func("cond").name!;
  const body = context.attributes.func("body").name!;
  let state = [...context.inputs];
  for (;;) {
    const [predicate] = context.callFunction(condition, state);
    if (predicate === undefined || isVariableHandle(predicate) || isTensorList(predicate)) {
      throw new Error(`Node "${context.node.name}" (op ${context.node.op}): loop condition "${condition}" did not return a tensor.`);
    }
    if (!isTrue(predicate)) return state;
    state = context.callFunction(body, state);
  }
}

export const controlFlowKernels: Record<string, OpKernel> = {
  If: conditional,
  StatelessIf: conditional,
  Case: switchCase,
  StatelessCase: switchCase,
  While: whileLoop,
  StatelessWhile: whileLoop,
};
