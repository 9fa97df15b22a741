/**
 * Adam's per-element update as a small WebAssembly SIMD function that works in the wasm backend's own
 * memory: four floats per instruction, in float32 like tfjs's ops, with no copies. A JavaScript loop
 * over the same buffers computes in double precision, one element at a time, and cost as much as the
 * whole forward pass of the MNIST MLP.
 *
 * The module is assembled here from its bytes (a few dozen instructions; no toolchain, nothing read
 * from disk) and imports the backend's `WebAssembly.Memory`, so pointers are the tensors' own
 * `memoryOffset`s.
 *
 * @example
 * const adam = wasmAdamKernel(memory);
 * adam(valueOffset, gradientOffset, mOffset, vOffset, count, β1, β2, 1-β1, 1-β2, 1-β1^t, 1-β2^t, ε, -lr);
 */

/** value, gradient, m, v (byte offsets), element count, then β1, β2, 1-β1, 1-β2, 1-β1^t, 1-β2^t, ε, -learning rate. */
export type WasmAdamKernel = (
  value: number,
  gradient: number,
  m: number,
  v: number,
  count: number,
  beta1: number,
  beta2: number,
  oneMinusBeta1: number,
  oneMinusBeta2: number,
  correction1: number,
  correction2: number,
  epsilon: number,
  negativeLearningRate: number,
) => void;

const i32 = 0x7f;
const f32 = 0x7d;
const v128 = 0x7b;

// Instructions used below.
const localGet = (index: number) => [0x20, index];
const localSet = (index: number) => [0x21, index];
const localTee = (index: number) => [0x22, index];
const i32Const = (value: number) => [0x41, value]; // values below 64: one signed LEB byte
const i32Add = [0x6a];
const i32Shl = [0x74];
const i32GtU = [0x4b];
const i32GeU = [0x4f];
const block = [0x02, 0x40];
const loop = [0x03, 0x40];
const brIf = (depth: number) => [0x0d, depth];
const br = (depth: number) => [0x0c, depth];
const end = [0x0b];
const simd = (opcode: number) => [0xfd, ...leb(opcode)];
const v128Load = [...simd(0x00), 0, 0]; // memarg: alignment hint 1 byte (tensors are not 16-byte aligned), offset 0
const v128Store = [...simd(0x0b), 0, 0];
const f32x4Splat = simd(0x13);
const f32x4 = { sqrt: simd(0xe3), add: simd(0xe4), mul: simd(0xe6), div: simd(0xe7) };
const f32Load = [0x2a, 2, 0];
const f32Store = [0x38, 2, 0];
const f32s = { sqrt: [0x91], add: [0x92], mul: [0x94], div: [0x95] };

function leb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function name(text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  return [...leb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

// Parameters: 0 value, 1 gradient, 2 m, 3 v, 4 count (i32); 5 β1, 6 β2, 7 1-β1, 8 1-β2, 9 c1, 10 c2, 11 ε, 12 -lr (f32).
const [VALUE, GRADIENT, M, V, COUNT] = [0, 1, 2, 3, 4];
const [BETA1, BETA2, ONE_MINUS_BETA1, ONE_MINUS_BETA2, CORRECTION1, CORRECTION2, EPSILON, NEGATIVE_RATE] = [5, 6, 7, 8, 9, 10, 11, 12];
// Locals: 13 byte end, 14 byte position (i32); 15–22 the eight f32 parameters splatted (v128); 23 g, 24 m', 25 v' (v128); 26 g, 27 m', 28 v' (f32).
const [BYTES, POSITION] = [13, 14];
const splatted = (parameter: number) => parameter + 10;
const [G4, M4, V4] = [23, 24, 25];
const [G1, M1, V1] = [26, 27, 28];

/** The update of one element (or four): m' = β1·m + (1-β1)·g; v' = β2·v + (1-β2)·g²; value += -lr·(m'/c1)/(sqrt(v'/c2)+ε). */
function updateBody(
  load: number[],
  store: number[],
  ops: { sqrt: number[]; add: number[]; mul: number[]; div: number[] },
  scalar: (parameter: number) => number,
  g: number,
  m: number,
  v: number,
): number[] {
  const at = (pointer: number) => [...localGet(pointer), ...localGet(POSITION), ...i32Add];
  return [
    ...at(GRADIENT),
    ...load,
    ...localSet(g),
    // m' (tfjs: add(mul(m, β1), mul(g, 1-β1)))
    ...at(M),
    ...at(M),
    ...load,
    ...localGet(scalar(BETA1)),
    ...ops.mul,
    ...localGet(g),
    ...localGet(scalar(ONE_MINUS_BETA1)),
    ...ops.mul,
    ...ops.add,
    ...localTee(m),
    ...store,
    // v' (tfjs: add(mul(v, β2), mul(square(g), 1-β2)))
    ...at(V),
    ...at(V),
    ...load,
    ...localGet(scalar(BETA2)),
    ...ops.mul,
    ...localGet(g),
    ...localGet(g),
    ...ops.mul,
    ...localGet(scalar(ONE_MINUS_BETA2)),
    ...ops.mul,
    ...ops.add,
    ...localTee(v),
    ...store,
    // value (tfjs: add(mul(div(div(m', c1), add(sqrt(div(v', c2)), ε)), -lr), value))
    ...at(VALUE),
    ...localGet(m),
    ...localGet(scalar(CORRECTION1)),
    ...ops.div,
    ...localGet(v),
    ...localGet(scalar(CORRECTION2)),
    ...ops.div,
    ...ops.sqrt,
    ...localGet(scalar(EPSILON)),
    ...ops.add,
    ...ops.div,
    ...localGet(scalar(NEGATIVE_RATE)),
    ...ops.mul,
    ...at(VALUE),
    ...load,
    ...ops.add,
    ...store,
  ];
}

function moduleBytes(): Uint8Array {
  const functionType = [0x60, ...leb(13), i32, i32, i32, i32, i32, f32, f32, f32, f32, f32, f32, f32, f32, 0];
  const body = [
    // locals: 2 i32, 11 v128, 3 f32
    3,
    2,
    i32,
    11,
    v128,
    3,
    f32,
    ...localGet(COUNT),
    ...i32Const(2),
    ...i32Shl,
    ...localSet(BYTES),
    ...[BETA1, BETA2, ONE_MINUS_BETA1, ONE_MINUS_BETA2, CORRECTION1, CORRECTION2, EPSILON, NEGATIVE_RATE].flatMap((parameter) => [
      ...localGet(parameter),
      ...f32x4Splat,
      ...localSet(splatted(parameter)),
    ]),
    // Four elements at a time while four remain.
    ...block,
    ...loop,
    ...localGet(POSITION),
    ...i32Const(16),
    ...i32Add,
    ...localGet(BYTES),
    ...i32GtU,
    ...brIf(1),
    ...updateBody(v128Load, v128Store, f32x4, splatted, G4, M4, V4),
    ...localGet(POSITION),
    ...i32Const(16),
    ...i32Add,
    ...localSet(POSITION),
    ...br(0),
    ...end,
    ...end,
    // The last 0–3 one at a time.
    ...block,
    ...loop,
    ...localGet(POSITION),
    ...localGet(BYTES),
    ...i32GeU,
    ...brIf(1),
    ...updateBody(f32Load, f32Store, f32s, (parameter) => parameter, G1, M1, V1),
    ...localGet(POSITION),
    ...i32Const(4),
    ...i32Add,
    ...localSet(POSITION),
    ...br(0),
    ...end,
    ...end,
    ...end,
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, ...functionType]),
    // import env.memory: a memory with at least 0 pages and no maximum
    ...section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 0x00]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name("adam"), 0x00, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

/** A `WebAssembly.Memory` (the project's TypeScript lib, ES2023 without DOM, declares no WebAssembly types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/** The part of the WebAssembly JavaScript API used here. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
let compiled: object | undefined;
const instances = new WeakMap<WasmMemory, WasmAdamKernel>();

/** The Adam kernel working in `memory` (one instance per memory), or undefined where WebAssembly SIMD is unavailable. */
export function wasmAdamKernel(memory: WasmMemory): WasmAdamKernel | undefined {
  const existing = instances.get(memory);
  if (existing) return existing;
  let kernel: WasmAdamKernel;
  try {
    compiled ??= new webAssembly.Module(moduleBytes());
    kernel = new webAssembly.Instance(compiled, { env: { memory } }).exports.adam as WasmAdamKernel;
  } catch {
    // No SIMD in this engine, or a memory this module cannot import (a shared one): the JavaScript loop does it.
    return undefined;
  }
  instances.set(memory, kernel);
  return kernel;
}
