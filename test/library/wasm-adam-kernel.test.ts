// The SIMD Adam kernel against Adam's formula computed in JavaScript with every operation rounded to
// float32 (as tfjs's eager ops round): float32 +, ×, ÷ and sqrt are correctly rounded, so the two
// must agree bit for bit, in the four-wide loop and in the one-at-a-time tail.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { wasmAdamKernel, type WasmMemory } from "../../lib/backend/wasm-adam-kernel.js";

const f = Math.fround;

function numbers(count: number, seed: number, scale: number): Float32Array {
  return Float32Array.from({ length: count }, (_, index) => Math.sin(seed * 3.7 + index * 1.3) * scale);
}

describe("wasm Adam kernel", () => {
  for (const count of [1, 4, 11, 1000]) {
    it(`updates ${count} values, m and v in place as float32 Adam does (buffers at unaligned offsets)`, () => {
      const memory = new (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: { initial: number }) => WasmMemory } }).WebAssembly.Memory({
        initial: 1,
      });
      const adam = wasmAdamKernel(memory);
      assert.ok(adam, "WebAssembly SIMD is available in Node 20");
      // Four buffers at offsets that are multiples of 4 but not of 16.
      const offsets = [4, 4 + 4 * count + 8, 4 + 8 * count + 20, 4 + 12 * count + 36];
      const [value, gradient, m, v] = offsets.map((offset) => new Float32Array(memory.buffer, offset, count)) as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      value.set(numbers(count, 1, 0.5));
      gradient.set(numbers(count, 2, 0.1));
      m.set(numbers(count, 3, 0.01));
      v.set(numbers(count, 4, 0.001).map(Math.abs));
      const before = { value: value.slice(), gradient: gradient.slice(), m: m.slice(), v: v.slice() };
      const [beta1, beta2, epsilon, rate] = [f(0.9), f(0.999), f(1e-7), f(0.001)];
      const [correction1, correction2] = [f(1 - f(beta1 ** 3)), f(1 - f(beta2 ** 3))];
      adam(...(offsets as [number, number, number, number]), count, beta1, beta2, f(1 - beta1), f(1 - beta2), correction1, correction2, epsilon, f(-rate));
      for (let i = 0; i < count; i++) {
        const g = before.gradient[i]!;
        const mi = f(f(before.m[i]! * beta1) + f(g * f(1 - beta1)));
        const vi = f(f(before.v[i]! * beta2) + f(f(g * g) * f(1 - beta2)));
        const step = f(f(mi / correction1) / f(f(Math.sqrt(f(vi / correction2))) + epsilon));
        const expected = f(f(step * f(-rate)) + before.value[i]!);
        assert.equal(m[i], mi, `m[${i}]`);
        assert.equal(v[i], vi, `v[${i}]`);
        assert.equal(value[i], expected, `value[${i}]`);
        assert.equal(gradient[i], before.gradient[i], "the gradient is only read");
      }
      assert.notDeepEqual(value, before.value);
      // Nothing outside the four buffers was written.
      assert.deepEqual(Array.from(new Float32Array(memory.buffer, 0, 1)), [0]);
      assert.deepEqual(Array.from(new Float32Array(memory.buffer, offsets[3]! + 4 * count, 4)), [0, 0, 0, 0]);
    });
  }
});
