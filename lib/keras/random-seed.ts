/**
 * Python `keras.utils.set_random_seed(seed)`: after it, random weights and random tensors come out the
 * same in every run. TensorFlow.js takes the seed of each random op called without one
 * (`tf.randomNormal(shape)`, the layers' initializers, Dropout) from `Math.random`, so that is the
 * global source seeded here, as Python's version seeds Python's `random` module, NumPy and TensorFlow.
 * Ops given an explicit seed are unaffected.
 *
 * @example
 * keras.utils.setRandomSeed(42);
 * const a = tf.randomNormal([3]).arraySync();
 * keras.utils.setRandomSeed(42);
 * const b = tf.randomNormal([3]).arraySync(); // same values as a
 */
export function setRandomSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new Error(`setRandomSeed expects a non-negative integer seed, got ${String(seed)}. Pass e.g. keras.utils.setRandomSeed(42).`);
  }
  // mulberry32: small, fast and well distributed; its 32 bits of state (the seed's low 32 bits) are plenty for picking op seeds.
  let state = seed >>> 0;
  Math.random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
