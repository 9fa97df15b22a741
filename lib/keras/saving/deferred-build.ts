import type * as tfl from "@tensorflow/tfjs-layers";

const listeners = new WeakMap<tfl.layers.Layer, Array<() => void>>();

/**
 * Calls `listener` once `layer` has created its weights (its first build), as TensorFlow's deferred
 * restoration does for layers restored before their first call. The layer's `build` is wrapped on the
 * instance only, once; listeners run in registration order, so a later restore wins.
 */
export function afterLayerBuild(layer: tfl.layers.Layer, listener: () => void): void {
  let waiting = listeners.get(layer);
  if (!waiting) {
    waiting = [];
    listeners.set(layer, waiting);
    const original = layer.build;
    layer.build = function (this: tfl.layers.Layer, inputShape) {
      original.call(this, inputShape);
      // Restored once: later rebuilds keep whatever the weights hold then.
      layer.build = original;
      const pending = listeners.get(layer) ?? [];
      listeners.delete(layer);
      for (const run of pending) run();
    };
  }
  waiting.push(listener);
}
