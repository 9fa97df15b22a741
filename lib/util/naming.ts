/**
 * Keras's default object names: the snake_case class name, then `_1`, `_2`... for later instances
 * (`dense`, `dense_1`), where tfjs would say `dense_Dense1`. Counters are global, as in a Keras session.
 */
const usedCounts = new Map<string, number>();

/**
 * The one snake_case rule, Keras 3's `naming.to_snake_case`, for class names (default object names,
 * `.keras` weight paths), function names (`binaryCrossentropy` → `binary_crossentropy`) and config keys
 * (`useBias` → `use_bias`): `"BatchNormalization"` → `"batch_normalization"`, `"Conv2D"` → `"conv2d"`,
 * `"MaxPooling2D"` → `"max_pooling2d"`, `"LSTM"` → `"lstm"`, `"KLDivergence"` → `"kl_divergence"`.
 */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/**
 * The next unused Keras-style name for a prefix.
 *
 * @example
 * uniqueName("dense"); // "dense", then "dense_1", "dense_2"
 */
export function uniqueName(prefix: string): string {
  const count = usedCounts.get(prefix) ?? 0;
  usedCounts.set(prefix, count + 1);
  return count === 0 ? prefix : `${prefix}_${count}`;
}

/** Fills in `name` the Keras way when the caller gave none. */
export function withKerasName<T extends { name?: string }>(options: T, className: string): T {
  return options.name === undefined ? { ...options, name: uniqueName(snakeCase(className)) } : options;
}
