/**
 * TensorList ops: the `variant` lists `tf.TensorArray` compiles to. Keras 3's exported RNNs unstack
 * the sequence into a list (TensorListFromTensor), read one step per While iteration
 * (TensorListGetItem), write each output (TensorListSetItem into a TensorListReserve) and stack
 * the result (TensorListStack).
 *
 * @example
 * ```ts
 * tensorListKernels.TensorListFromTensor!(context); // [TensorList of x's rows]
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";
import { tfjsDtypeFor } from "../../graph-dtypes.js";
import { inputInts, inputTensor, type KernelContext, type OpKernel } from "./op-kernel.js";
import { isTensorList, TensorList } from "../values.js";

function inputList(context: KernelContext, index: number): TensorList {
  const value = context.inputs[index];
  if (value === undefined || !isTensorList(value)) {
    throw new Error(`Node "${context.node.name}" (op ${context.node.op}) expected a TensorList as input ${index}.`);
  }
  return value;
}

/** An element_shape input: a shape with -1 for unknown dimensions, or undefined for an unknown rank (a scalar -1). */
function elementShapeInput(context: KernelContext, index: number): number[] | undefined {
  const shape = inputTensor(context, index);
  return shape.rank === 0 ? undefined : inputInts(context, index);
}

function elementDtype(context: KernelContext): tf.DataType {
  return tfjsDtypeFor(context.attributes.type("element_dtype"));
}

/** The position an index input names; negative or past the end is an error, as in TensorFlow. */
function position(context: KernelContext, list: TensorList, index: number): number {
  const value = inputInts(context, index)[0]!;
  if (value < 0 || value >= list.items.length) {
    throw new Error(`Node "${context.node.name}" (op ${context.node.op}): index ${value} is outside the list of ${list.items.length} items.`);
  }
  return value;
}

/** An unset item reads as zeros when its shape is fully known (TensorFlow's rule). */
function zerosItem(context: KernelContext, list: TensorList, shape: number[] | undefined): tf.Tensor {
  const known = shape ?? list.elementShape;
  if (known === undefined || known.some((dimension) => dimension < 0)) {
    throw new Error(`Node "${context.node.name}" (op ${context.node.op}) read an unset list item whose shape is not fully known.`);
  }
  return tf.zeros(known, list.elementDtype);
}

export const tensorListKernels: Record<string, OpKernel> = {
  TensorListReserve: (context) => {
    const count = inputInts(context, 1)[0]!;
    return [new TensorList(new Array<undefined>(Math.max(0, count)).fill(undefined), elementShapeInput(context, 0), elementDtype(context))];
  },
  EmptyTensorList: (context) => [new TensorList([], elementShapeInput(context, 0), elementDtype(context))],
  TensorListFromTensor: (context) => {
    const tensor = inputTensor(context, 0);
    return [new TensorList(tf.unstack(tensor, 0), tensor.shape.slice(1), tensor.dtype)];
  },
  TensorListGetItem: (context) => {
    const list = inputList(context, 0);
    const item = list.items[position(context, list, 1)];
    return [item ?? zerosItem(context, list, elementShapeInput(context, 2))];
  },
  TensorListSetItem: (context) => {
    const list = inputList(context, 0);
    const index = inputInts(context, 1)[0]!;
    const resize = context.attributes.bool("resize_if_index_out_of_bounds", false);
    if (resize && index >= list.items.length) {
      const grown = new TensorList(
        [...list.items, ...new Array<undefined>(index + 1 - list.items.length).fill(undefined)],
        list.elementShape,
        list.elementDtype,
      );
      return [grown.withItem(index, inputTensor(context, 2))];
    }
    return [list.withItem(position(context, list, 1), inputTensor(context, 2))];
  },
  TensorListPushBack: (context) => {
    const list = inputList(context, 0);
    return [new TensorList([...list.items, inputTensor(context, 1)], list.elementShape, list.elementDtype)];
  },
  TensorListLength: (context) => [tf.scalar(inputList(context, 0).items.length, "int32")],
  TensorListElementShape: (context) => {
    const list = inputList(context, 0);
    const shape = list.elementShape ?? list.items.find((item) => item !== undefined)?.shape;
    return [shape === undefined ? tf.scalar(-1, "int32") : tf.tensor1d(shape, "int32")];
  },
  TensorListStack: (context) => {
    const list = inputList(context, 0);
    const shape = elementShapeInput(context, 1);
    const items = list.items.map((item) => item ?? zerosItem(context, list, shape));
    if (items.length === 0) {
      const known = shape ?? list.elementShape ?? [];
      return [tf.zeros([0, ...known.map((dimension) => Math.max(0, dimension))], list.elementDtype)];
    }
    return [tf.stack(items, 0)];
  },
};
