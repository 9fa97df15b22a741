/**
 * TensorFlow's two-operand `Einsum` as transposes, one batched matMul and a final transpose, so it
 * runs on every tfjs backend (tfjs's own einsum has no wasm kernel). Axes are sorted into batch
 * (both operands and the output), contracted (both operands only), and free (one operand and the
 * output); an axis only one operand has and the output lacks is summed first.
 *
 * @example
 * ```ts
 * einsum("abc,cd->abd", x, kernel); // EinsumDense's projection
 * einsum("aecd,abcd->acbe", key, query); // MultiHeadAttention's scores
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";

export function einsum(equation: string, ...operands: tf.Tensor[]): tf.Tensor {
  const match = /^([a-zA-Z]*),([a-zA-Z]*)->([a-zA-Z]*)$/.exec(equation.replace(/\s+/g, ""));
  // One operand, ellipses, or more than two operands: tfjs's einsum (where the backend has it).
  if (!match || operands.length !== 2) return tf.einsum(equation, ...operands);
  let [, left, right, output] = match as unknown as [string, string, string, string];
  let [a, b] = operands as [tf.Tensor, tf.Tensor];
  // Axes only one side has and the output lacks are summed away first.
  const sumAway = (tensor: tf.Tensor, letters: string, other: string): [tf.Tensor, string] => {
    const lone = [...letters].filter((letter) => !other.includes(letter) && !output.includes(letter));
    if (lone.length === 0) return [tensor, letters];
    return [
      tf.sum(
        tensor,
        lone.map((letter) => letters.indexOf(letter)),
      ),
      [...letters].filter((letter) => !lone.includes(letter)).join(""),
    ];
  };
  [a, left] = sumAway(a, left, right);
  [b, right] = sumAway(b, right, left);
  const batch = [...output].filter((letter) => left.includes(letter) && right.includes(letter));
  const contracted = [...left].filter((letter) => right.includes(letter) && !output.includes(letter));
  const freeLeft = [...left].filter((letter) => !right.includes(letter));
  const freeRight = [...right].filter((letter) => !left.includes(letter));
  const size = (tensor: tf.Tensor, letters: string, axes: string[]) => axes.map((letter) => tensor.shape[letters.indexOf(letter)]!);
  const product = (sizes: number[]) => sizes.reduce((total, value) => total * value, 1);
  const batchSizes = size(a, left, batch);
  const [leftSizes, rightSizes, contractedSize] = [size(a, left, freeLeft), size(b, right, freeRight), product(size(a, left, contracted))];
  const x = tf.reshape(
    tf.transpose(
      a,
      [...batch, ...freeLeft, ...contracted].map((letter) => left.indexOf(letter)),
    ),
    [product(batchSizes), product(leftSizes), contractedSize],
  );
  const y = tf.reshape(
    tf.transpose(
      b,
      [...batch, ...contracted, ...freeRight].map((letter) => right.indexOf(letter)),
    ),
    [product(batchSizes), contractedSize, product(rightSizes)],
  );
  const order = [...batch, ...freeLeft, ...freeRight];
  const result = tf.reshape(tf.matMul(x, y), [...batchSizes, ...leftSizes, ...rightSizes]);
  return tf.transpose(
    result,
    [...output].map((letter) => order.indexOf(letter)),
  );
}
