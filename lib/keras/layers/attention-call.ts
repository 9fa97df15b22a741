/**
 * How attention layers (MultiHeadAttention, GroupQueryAttention) are called: `layer.apply([query, value])`
 * in TypeScript, `layer(query, value)` in Keras 3, self-attention naming one tensor twice.
 */

/**
 * Self-attention `apply([x, x])` is recorded with `x` once: tfjs's graph executor releases a tensor
 * once per listed input, so a repeated input would be released while still needed.
 */
export function withoutRepeatedInput<T>(inputs: T | T[]): T | T[] {
  return Array.isArray(inputs) && inputs.length >= 2 && inputs.every((input) => input === inputs[0]) ? [inputs[0]!] : inputs;
}

/** Keras 3's separate `(query, value)` arguments; self-attention recorded once names the tensor twice. */
export function queryValueArguments<T>(tensors: T[]): T[] {
  return tensors.length === 1 ? [tensors[0]!, tensors[0]!] : tensors;
}
