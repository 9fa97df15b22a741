import { engine, Variable, type Tensor } from "@tensorflow/tfjs-core";

/** What disposing a tensor needs once the tensor object itself is gone. */
interface TensorRecord {
  dataId: object;
  dtype: Tensor["dtype"];
  size: number;
  shape: number[];
}

type TrackingEngine = {
  trackTensor(tensor: Tensor, backend: unknown): void;
  disposeTensor(tensor: Tensor | TensorRecord): void;
};

let installed = false;

/**
 * Frees a tensor's memory once no variable, closure or model can reach it any more, as Python users
 * expect (TensorFlow.js otherwise keeps it until `dispose()`). Each tensor object is registered when
 * tfjs tracks it; when the garbage collector reclaims it, the engine disposes it through a record of
 * its data id, so tfjs's reference count on shared data (reshape, clone, variables made from it) is
 * decremented exactly once per tensor object. Explicit `dispose()` and `tf.tidy` unregister first,
 * so nothing is disposed twice. Variables are left alone: tfjs's variable registry keeps them.
 * Installed once per process (the kernel does it when a cell imports tskeras).
 */
export function freeUnreachableTensors(): void {
  if (installed) return;
  installed = true;
  const tracking = engine() as unknown as TrackingEngine;
  const track = tracking.trackTensor.bind(tracking);
  const dispose = tracking.disposeTensor.bind(tracking);
  const registry = new FinalizationRegistry<TensorRecord>((record) => dispose(record));
  tracking.trackTensor = (tensor, backend) => {
    track(tensor, backend);
    if (!(tensor instanceof Variable))
      registry.register(tensor, { dataId: tensor.dataId, dtype: tensor.dtype, size: tensor.size, shape: tensor.shape }, tensor);
  };
  tracking.disposeTensor = (tensor) => {
    registry.unregister(tensor);
    dispose(tensor);
  };
}

/** Tensors created since the last collection that make the kernel ask for one. */
const tensorsBetweenCollections = 500;
let fewestSinceCollection = 0;

/**
 * A tensor's wrapper object is small to the garbage collector, while its data (in WebAssembly
 * memory) is not counted at all, so V8 may go a long time without reclaiming unreachable tensors.
 * Called when the kernel is between cells (with the kernel's way to collect): after 500 more live tensors than the fewest seen since the
 * last collection, a full collection runs, and the registry above then frees what it reclaimed.
 */
export function collectUnreachableTensorsIfGrown(collectGarbage: () => void): void {
  if (!installed) return;
  const live = engine().state.numTensors;
  fewestSinceCollection = Math.min(fewestSinceCollection, live);
  if (live - fewestSinceCollection < tensorsBetweenCollections) return;
  collectGarbage();
  fewestSinceCollection = live;
}
