/**
 * Fused in-place optimizer updates for the wasm and cpu backends: one pass per variable over the
 * variable, its gradient and the optimizer's slots, written straight into their buffers, instead of
 * tfjs's chain of 8–12 whole-tensor ops (each allocating a temporary) per variable per step.
 *
 * The state lives where tfjs keeps it (the optimizer's own slot variables, `accBeta1`, `iterations`),
 * with tfjs's names and order, so `optimizer.getWeights()`, saving a compiled model and resuming
 * training in the eager path see the same numbers. The arithmetic follows tfjs's formulas (the
 * eager path), rounded to float32 where tfjs stores a float32 scalar, so both paths agree to float32
 * rounding per step.
 *
 * @example
 * const update = fusedOptimizerUpdate(optimizer);       // undefined: this optimizer/backend runs eagerly
 * update?.(variables, gradients);                          // same effect as optimizer.applyGradients
 */
import * as tfc from "@tensorflow/tfjs-core";
import { wasmAdamKernel, type WasmAdamKernel, type WasmMemory } from "../../backend/wasm-adam-kernel.js";

/** The backend pieces a fused update reads and writes through (wasm heap views or cpu typed arrays). */
interface HostBuffers {
  /** A float32 view of the tensor's storage; writes land in the tensor. */
  view(tensor: tfc.Tensor): Float32Array;
  /** How many tensors share this storage (tfjs reshape/clone share it); only 1 may be written in place. */
  sharers(tensor: tfc.Tensor): number;
  /** Tells the backend the tensor's values changed behind its back (drops caches keyed by the tensor). */
  changed(tensor: tfc.Tensor): void;
  /** On wasm: the tensor's byte offset in the backend's memory, and Adam as a SIMD kernel working there. */
  wasm?: { offset(tensor: tfc.Tensor): number; adam: WasmAdamKernel };
}

interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
  dataIdNextNumber: number;
  wasm: {
    HEAPU8: Uint8Array;
    asm: { memory: WasmMemory };
    tfjs: { disposeData(id: number): void; registerTensor(id: number, size: number, memoryOffset: number): void };
  };
  refCount(dataId: object): number;
}

interface CpuBackendInternals {
  data: { get(dataId: object): { values?: tfc.backend_util.BackendValues } | undefined };
  refCount(dataId: object): number;
}

function hostBuffers(): HostBuffers | undefined {
  const name = tfc.getBackend();
  if (name === "wasm") {
    const backend = tfc.backend() as unknown as WasmBackendInternals;
    const adam = wasmAdamKernel(backend.wasm.asm.memory);
    return {
      wasm: adam && { offset: (tensor) => backend.dataIdMap.get(tensor.dataId)!.memoryOffset, adam },
      // The heap may have grown (and its buffer been replaced) since the last call: a fresh view each time.
      view: (tensor) => new Float32Array(backend.wasm.HEAPU8.buffer, backend.dataIdMap.get(tensor.dataId)!.memoryOffset, tensor.size),
      sharers: (tensor) => backend.refCount(tensor.dataId),
      // The wasm kernels cache XNNPACK operators with the weights packed into them, keyed by the weight
      // tensor's id (dropped when the id is disposed): the same storage under a new id, so they repack.
      changed: (tensor) => {
        const data = backend.dataIdMap.get(tensor.dataId)!;
        backend.wasm.tfjs.disposeData(data.id);
        data.id = backend.dataIdNextNumber++;
        backend.wasm.tfjs.registerTensor(data.id, tensor.size, data.memoryOffset);
      },
    };
  }
  if (name === "cpu") {
    const backend = tfc.backend() as unknown as CpuBackendInternals;
    return {
      view: (tensor) => backend.data.get(tensor.dataId)!.values as Float32Array,
      sharers: (tensor) => backend.refCount(tensor.dataId),
      changed: () => {},
    };
  }
  return undefined;
}

/** A slot as tfjs optimizers keep it: `{ originalName: "dense/kernel/m", variable }`. */
interface Slot {
  originalName: string;
  variable: tfc.Variable;
}

/** Applies one step to `variables` (in the optimizer's order) given their gradients. */
export type FusedUpdate = (variables: tfc.Variable[], gradients: Array<tfc.Tensor | undefined>) => void;

/** The slot variable for position `index`, created as tfjs creates it (zeros, not trainable, `name/suffix`). */
function slot(slots: Slot[], index: number, variable: tfc.Variable, suffix: string): tfc.Variable {
  slots[index] ??= { originalName: `${variable.name}/${suffix}`, variable: tfc.tidy(() => tfc.zerosLike(variable).variable(false)) };
  return slots[index].variable;
}

/**
 * Gives a variable storage of its own before it is written in place: a tensor made from it by
 * `reshape`/`clone` shares its buffer and must keep the old values, as it would after tfjs's `assign`.
 */
function ownStorage(buffers: HostBuffers, variable: tfc.Variable): void {
  if (buffers.sharers(variable) > 1) tfc.tidy(() => variable.assign(tfc.add(variable, tfc.scalar(0))));
}

function isFloat(tensors: Array<tfc.Tensor | undefined>): boolean {
  return tensors.every((tensor) => tensor === undefined || tensor.dtype === "float32");
}

interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tfc.Variable;
  accBeta2: tfc.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

interface MomentumInternals {
  learningRate: number;
  momentum: number;
  useNesterov: boolean;
  accumulations: Slot[];
}

interface RmsPropInternals {
  learningRate: number;
  decay: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
  accumulatedMeanSquares: Slot[];
  accumulatedMoments: Slot[];
  accumulatedMeanGrads: Slot[];
}

const f32 = Math.fround;

/**
 * One Adam step over one variable (tfjs's formula, m̂/(sqrt(v̂)+ε)): a plain top-level loop over typed
 * arrays, so V8 optimizes it once for every variable; intermediates stay in double precision. The cpu
 * backend's path; on wasm the SIMD kernel of wasm-adam-kernel.ts does the same in float32.
 */
function adamLoop(
  value: Float32Array,
  gradient: Float32Array,
  m: Float32Array,
  v: Float32Array,
  beta1: number,
  beta2: number,
  oneMinusBeta1: number,
  oneMinusBeta2: number,
  inverseCorrection1: number,
  inverseCorrection2: number,
  epsilon: number,
  learningRate: number,
): void {
  const count = value.length;
  for (let i = 0; i < count; i++) {
    const g = gradient[i]!;
    const mi = m[i]! * beta1 + g * oneMinusBeta1;
    const vi = v[i]! * beta2 + g * g * oneMinusBeta2;
    m[i] = mi;
    v[i] = vi;
    value[i] = value[i]! - ((mi * inverseCorrection1) / (Math.sqrt(vi * inverseCorrection2) + epsilon)) * learningRate;
  }
}

function adamUpdate(optimizer: AdamInternals, buffers: HostBuffers): FusedUpdate {
  return (variables, gradients) => {
    const first = variables.map((variable, index) => slot(optimizer.accumulatedFirstMoment, index, variable, "m"));
    const second = variables.map((variable, index) => slot(optimizer.accumulatedSecondMoment, index, variable, "v"));
    for (const variable of [...variables, ...first, ...second, optimizer.accBeta1, optimizer.accBeta2]) ownStorage(buffers, variable);
    const accBeta1 = buffers.view(optimizer.accBeta1);
    const accBeta2 = buffers.view(optimizer.accBeta2);
    // tfjs multiplies by these as float32 scalars.
    const [beta1, beta2, epsilon, learningRate] = [optimizer.beta1, optimizer.beta2, optimizer.epsilon, optimizer.learningRate].map(f32) as [
      number,
      number,
      number,
      number,
    ];
    const oneMinusBeta1 = f32(1 - beta1);
    const oneMinusBeta2 = f32(1 - beta2);
    const correction1 = f32(1 - accBeta1[0]!);
    const correction2 = f32(1 - accBeta2[0]!);
    for (let index = 0; index < variables.length; index++) {
      // A variable the loss does not depend on has no gradient (its slots exist, as in tfjs).
      const given = gradients[index];
      if (!given) continue;
      if (buffers.wasm) {
        const offset = buffers.wasm.offset;
        buffers.wasm.adam(
          offset(variables[index]!),
          offset(given),
          offset(first[index]!),
          offset(second[index]!),
          variables[index]!.size,
          beta1,
          beta2,
          oneMinusBeta1,
          oneMinusBeta2,
          correction1,
          correction2,
          epsilon,
          -learningRate,
        );
        continue;
      }
      adamLoop(
        buffers.view(variables[index]!),
        buffers.view(given),
        buffers.view(first[index]!),
        buffers.view(second[index]!),
        beta1,
        beta2,
        oneMinusBeta1,
        oneMinusBeta2,
        1 / correction1,
        1 / correction2,
        epsilon,
        learningRate,
      );
    }
    // A float32 product, bit for bit as tfjs's mul: a resumed run (beta^t from pow) must meet the same numbers.
    accBeta1[0] = f32(accBeta1[0]! * beta1);
    accBeta2[0] = f32(accBeta2[0]! * beta2);
  };
}

function sgdUpdate(optimizer: { learningRate: number }, buffers: HostBuffers): FusedUpdate {
  return (variables, gradients) => {
    for (const variable of variables) ownStorage(buffers, variable);
    const rate = f32(optimizer.learningRate);
    for (let index = 0; index < variables.length; index++) {
      const value = buffers.view(variables[index]!);
      // A variable the loss does not depend on has no gradient (its slots exist, as in tfjs).
      const given = gradients[index];
      if (!given) continue;
      const gradient = buffers.view(given);
      for (let i = 0; i < value.length; i++) value[i] = value[i]! - rate * gradient[i]!;
    }
  };
}

function momentumUpdate(optimizer: MomentumInternals, buffers: HostBuffers): FusedUpdate {
  return (variables, gradients) => {
    const accumulations = variables.map((variable, index) => slot(optimizer.accumulations, index, variable, "momentum"));
    for (const variable of [...variables, ...accumulations]) ownStorage(buffers, variable);
    const rate = f32(optimizer.learningRate);
    const { momentum, useNesterov } = optimizer;
    for (let index = 0; index < variables.length; index++) {
      const value = buffers.view(variables[index]!);
      // A variable the loss does not depend on has no gradient (its slots exist, as in tfjs).
      const given = gradients[index];
      if (!given) continue;
      const gradient = buffers.view(given);
      const accumulation = buffers.view(accumulations[index]!);
      for (let i = 0; i < value.length; i++) {
        const g = gradient[i]!;
        const a = f32(momentum * accumulation[i]! + g);
        accumulation[i] = a;
        value[i] = value[i]! - rate * (useNesterov ? g + a * momentum : a);
      }
    }
  };
}

function rmsPropUpdate(optimizer: RmsPropInternals, buffers: HostBuffers): FusedUpdate {
  return (variables, gradients) => {
    const meanSquares = variables.map((variable, index) => slot(optimizer.accumulatedMeanSquares, index, variable, "rms"));
    const moments = variables.map((variable, index) => slot(optimizer.accumulatedMoments, index, variable, "momentum"));
    const meanGrads = optimizer.centered ? variables.map((variable, index) => slot(optimizer.accumulatedMeanGrads, index, variable, "mg")) : [];
    for (const variable of [...variables, ...meanSquares, ...moments, ...meanGrads]) ownStorage(buffers, variable);
    const { decay, momentum, epsilon, learningRate, centered } = optimizer;
    const oneMinusDecay = f32(1 - decay);
    for (let index = 0; index < variables.length; index++) {
      const value = buffers.view(variables[index]!);
      // A variable the loss does not depend on has no gradient (its slots exist, as in tfjs).
      const given = gradients[index];
      if (!given) continue;
      const gradient = buffers.view(given);
      const meanSquare = buffers.view(meanSquares[index]!);
      const moment = buffers.view(moments[index]!);
      const meanGrad = centered ? buffers.view(meanGrads[index]!) : undefined;
      for (let i = 0; i < value.length; i++) {
        const g = gradient[i]!;
        const ms = f32(meanSquare[i]! * decay + g * g * oneMinusDecay);
        meanSquare[i] = ms;
        let denominator: number;
        if (meanGrad) {
          const mg = f32(meanGrad[i]! * decay + g * oneMinusDecay);
          meanGrad[i] = mg;
          // Keras 3 adds ε under the root (tfjs subtracts it; keras-update-rules.ts).
          denominator = Math.sqrt(ms - mg * mg + epsilon);
        } else {
          denominator = Math.sqrt(ms + epsilon);
        }
        const mo = f32(moment[i]! * momentum + (g * learningRate) / denominator);
        moment[i] = mo;
        value[i] = value[i]! - mo;
      }
    }
  };
}

/**
 * The fused update for `optimizer` on the current backend, or undefined where there is none (other
 * optimizers, the native backend whose tensors live in TensorFlow): those keep tfjs's `applyGradients`.
 * The returned function also advances `optimizer.iterations` like `applyGradients` does.
 */
export function fusedOptimizerUpdate(optimizer: tfc.Optimizer): FusedUpdate | undefined {
  const buffers = hostBuffers();
  if (!buffers) return undefined;
  let update: FusedUpdate;
  switch (optimizer.getClassName()) {
    case "Adam":
      update = adamUpdate(optimizer as unknown as AdamInternals, buffers);
      break;
    case "SGD":
      update = sgdUpdate(optimizer as unknown as { learningRate: number }, buffers);
      break;
    case "Momentum":
      update = momentumUpdate(optimizer as unknown as MomentumInternals, buffers);
      break;
    case "RMSProp":
      update = rmsPropUpdate(optimizer as unknown as RmsPropInternals, buffers);
      break;
    default:
      return undefined;
  }
  const advance = optimizer as unknown as { incrementIterations(): void };
  return (variables, gradients) => {
    if (!isFloat(variables) || !isFloat(gradients)) {
      optimizer.applyGradients(variables.map((variable, index) => ({ name: variable.name, tensor: gradients[index]! })));
      return;
    }
    update(variables, gradients);
    for (const variable of variables) buffers.changed(variable);
    advance.incrementIterations();
  };
}
