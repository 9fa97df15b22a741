/**
 * Call-site keyword arguments of a functional model's nodes (`layer(x, use_causal_mask=True)` in
 * Keras, `layer.apply(x, { useCausalMask: true })` here, or the `kwargs` of a Keras file's
 * `inbound_nodes`) hold when the model runs. tfjs-layers records them on the node but its graph
 * executor (predict, fit, evaluate) calls each layer with the model-level options only, so a causal
 * attention layer ran unmasked. Layers therefore remember the plain (non-tensor) keywords of their
 * symbolic call and add them under the options of a concrete call; the caller's options (the
 * model's `training`) win, as Keras's functional model passes its own `training` over the node's.
 * Only a layer with one call site in graphs is unambiguous, so layers applied at several nodes keep
 * tfjs's behaviour.
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

type Kwargs = Record<string, unknown>;
const callSiteArguments = new WeakMap<tfl.layers.Layer, Kwargs>();

function isSymbolic(inputs: unknown): boolean {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  return list.some((input) => input instanceof tfl.SymbolicTensor);
}

/** Keywords worth remembering: plain values (masks and initial states are tensors; `mask` comes from propagation). */
function plainArguments(kwargs: Kwargs | undefined): Kwargs {
  const result: Kwargs = {};
  for (const [key, value] of Object.entries(kwargs ?? {})) {
    if (key === "mask" || key === "training" || value instanceof tfc.Tensor || value instanceof tfl.SymbolicTensor) continue;
    if (value !== undefined) result[key] = value;
  }
  return result;
}

const prototype = tfl.layers.Layer.prototype as unknown as { apply: (inputs: unknown, kwargs?: Kwargs) => unknown; __callSiteArguments?: true };
if (!prototype.__callSiteArguments) {
  const originalApply = prototype.apply;
  prototype.apply = function (this: tfl.layers.Layer, inputs: unknown, kwargs?: Kwargs) {
    if (isSymbolic(inputs)) {
      const plain = plainArguments(kwargs);
      if (Object.keys(plain).length > 0) callSiteArguments.set(this, plain);
      return originalApply.call(this, inputs, kwargs);
    }
    const remembered = callSiteArguments.get(this);
    if (remembered !== undefined && this.inboundNodes.length === 1) return originalApply.call(this, inputs, { ...remembered, ...(kwargs ?? {}) });
    return originalApply.call(this, inputs, kwargs);
  };
  prototype.__callSiteArguments = true;
}
