/**
 * Shape and indexing ops (reshape, concat, slice, gather, ...), mapped onto tfjs-core.
 *
 * @example
 * ```ts
 * arrayKernels.Reshape!(context); // [tf.reshape(x, shape)]
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";
import { inputInts, inputTensor, type KernelContext, type OpKernel } from "./op-kernel.js";

const allInputs = (context: KernelContext): tf.Tensor[] => context.inputs.map((_, index) => inputTensor(context, index));

export const arrayKernels: Record<string, OpKernel> = {
  Identity: (context) => [context.inputs[0]!],
  Snapshot: (context) => [inputTensor(context, 0)],
  StopGradient: (context) => [inputTensor(context, 0)],
  PreventGradient: (context) => [inputTensor(context, 0)],
  EnsureShape: (context) => [inputTensor(context, 0)],
  IdentityN: (context) => [...context.inputs],
  Reshape: (context) => [tf.reshape(inputTensor(context, 0), inputInts(context, 1))],
  Shape: (context) => [tf.tensor1d(inputTensor(context, 0).shape, "int32")],
  Size: (context) => [tf.scalar(inputTensor(context, 0).size, "int32")],
  Rank: (context) => [tf.scalar(inputTensor(context, 0).rank, "int32")],
  Squeeze: (context) => {
    const axes = context.attributes.intList("squeeze_dims", []);
    return [tf.squeeze(inputTensor(context, 0), axes.length > 0 ? axes : undefined)];
  },
  ExpandDims: (context) => [tf.expandDims(inputTensor(context, 0), inputInts(context, 1)[0])],
  Transpose: (context) => [tf.transpose(inputTensor(context, 0), inputInts(context, 1))],
  ConcatV2: (context) => {
    const tensors = allInputs(context);
    const axis = Array.from(tensors.pop()!.dataSync())[0]!;
    return [tf.concat(tensors, axis)];
  },
  Pack: (context) => [tf.stack(allInputs(context), context.attributes.int("axis", 0))],
  Unpack: (context) => tf.unstack(inputTensor(context, 0), context.attributes.int("axis", 0)),
  StridedSlice: (context) => [
    tf.stridedSlice(
      inputTensor(context, 0),
      inputInts(context, 1),
      inputInts(context, 2),
      inputInts(context, 3),
      context.attributes.int("begin_mask", 0),
      context.attributes.int("end_mask", 0),
      context.attributes.int("ellipsis_mask", 0),
      context.attributes.int("new_axis_mask", 0),
      context.attributes.int("shrink_axis_mask", 0),
    ),
  ],
  Slice: (context) => [tf.slice(inputTensor(context, 0), inputInts(context, 1), inputInts(context, 2))],
  Fill: (context) => {
    const value = inputTensor(context, 1);
    return [tf.fill(inputInts(context, 0), value.dataSync()[0] as number, value.dtype)];
  },
  ZerosLike: (context) => [tf.zerosLike(inputTensor(context, 0))],
  OnesLike: (context) => [tf.onesLike(inputTensor(context, 0))],
  Tile: (context) => [tf.tile(inputTensor(context, 0), inputInts(context, 1))],
  Pad: (context) => [tf.pad(inputTensor(context, 0), pairs(inputInts(context, 1)))],
  PadV2: (context) => [tf.pad(inputTensor(context, 0), pairs(inputInts(context, 1)), inputTensor(context, 2).dataSync()[0] as number)],
  MatrixBandPart: (context) => [tf.linalg.bandPart(inputTensor(context, 0), inputInts(context, 1)[0]!, inputInts(context, 2)[0]!)],
  MirrorPad: (context) => {
    const mode = context.attributes.string("mode").toLowerCase();
    if (mode !== "reflect" && mode !== "symmetric")
      throw new Error(`Node "${context.node.name}" (op MirrorPad) has mode "${mode}"; expected REFLECT or SYMMETRIC.`);
    // Built from slices, reversals and concatenation rather than tfjs's wasm MirrorPad kernel, whose
    // writes went outside its output on the paddings Keras's CLAHE export uses.
    const edge = mode === "reflect" ? 1 : 0;
    let padded = inputTensor(context, 0);
    pairs(inputInts(context, 1)).forEach(([before, after], axis) => {
      const size = padded.shape[axis]!;
      if (before > size - edge || after > size - edge)
        throw new Error(
          `Node "${context.node.name}" (op MirrorPad): padding [${before}, ${after}] on axis ${axis} of size ${size} exceeds what ${mode.toUpperCase()} allows (${size - edge}).`,
        );
      const piece = (start: number, length: number) => {
        const begin = padded.shape.map((_, index) => (index === axis ? start : 0));
        const extent = padded.shape.map((dimension, index) => (index === axis ? length : dimension));
        return tf.reverse(tf.slice(padded, begin, extent), axis);
      };
      const parts = [...(before > 0 ? [piece(edge, before)] : []), padded, ...(after > 0 ? [piece(size - edge - after, after)] : [])];
      if (parts.length > 1) padded = tf.concat(parts, axis);
    });
    return [padded];
  },
  // Bucket i holds boundaries[i-1] <= x < boundaries[i]: the count of boundaries at or below x.
  Bucketize: (context) => {
    const boundaries = context.attributes.floatList("boundaries", []);
    const x = tf.cast(inputTensor(context, 0), "float32");
    if (boundaries.length === 0) return [tf.cast(tf.zerosLike(x), "int32")];
    return [tf.sum(tf.cast(tf.greaterEqual(tf.expandDims(x, -1), tf.tensor1d(boundaries, "float32")), "int32"), -1)];
  },
  // Counts (or summed weights, or presence with binary_output) of each value below `size`, per row for rank 2.
  DenseBincount: (context) => {
    const input = tf.cast(inputTensor(context, 0), "int32");
    const size = inputInts(context, 1)[0]!;
    const given = inputTensor(context, 2);
    const weights = given.size === 0 ? tf.tensor([], [0], "float32") : given;
    const counts = tf.denseBincount(
      input as tf.Tensor1D | tf.Tensor2D,
      weights as tf.Tensor1D | tf.Tensor2D,
      size,
      context.attributes.bool("binary_output", false),
    );
    return [given.size === 0 ? tf.cast(counts, given.dtype) : counts];
  },
  GatherV2: (context) => [tf.gather(inputTensor(context, 0), inputTensor(context, 1), inputInts(context, 2)[0], context.attributes.int("batch_dims", 0))],
  Range: (context) => {
    const [start, limit, delta] = [0, 1, 2].map((index) => inputTensor(context, index).dataSync()[0] as number);
    return [tf.range(start!, limit!, delta!, inputTensor(context, 0).dtype === "int32" ? "int32" : "float32")];
  },
  ReverseV2: (context) => [tf.reverse(inputTensor(context, 0), inputInts(context, 1))],
  BroadcastTo: (context) => [tf.broadcastTo(inputTensor(context, 0), inputInts(context, 1))],
  OneHot: (context) => {
    const axis = context.attributes.int("axis", -1);
    const indices = inputTensor(context, 0);
    if (axis !== -1 && axis !== indices.rank) {
      throw new Error(`Node "${context.node.name}" (op OneHot) uses axis ${axis}; only the last axis (-1) is supported.`);
    }
    const [onValue, offValue] = [2, 3].map((index) => inputTensor(context, index).dataSync()[0] as number);
    const dtype = inputTensor(context, 2).dtype === "int32" ? "int32" : "float32";
    return [tf.oneHot(tf.cast(indices, "int32"), inputInts(context, 1)[0]!, onValue, offValue, dtype)];
  },
  Split: (context) => tf.split(inputTensor(context, 1), context.attributes.int("num_split"), inputInts(context, 0)[0]),
  SplitV: (context) => tf.split(inputTensor(context, 0), inputInts(context, 1), inputInts(context, 2)[0]),
};

/** `[[before, after], ...]` from TensorFlow's flat `[before0, after0, before1, after1, ...]`. */
function pairs(flat: number[]): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  for (let index = 0; index < flat.length; index += 2) result.push([flat[index]!, flat[index + 1]!]);
  return result;
}
