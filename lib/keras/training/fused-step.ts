/**
 * The train step `fit` runs by default: tfjs-layers' step (forward, loss, gradients) with the
 * optimizer update replaced, for the duration of one `fit`, by the fused in-place update of
 * fused-optimizers.ts. `compile({ runEagerly: true })` keeps tfjs's op-by-op update (for debugging,
 * and as the reference the tests compare against).
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { fusedOptimizerUpdate } from "./fused-optimizers.js";

type GradientList = Array<{ name: string; tensor: tfc.Tensor | undefined }>;

/** The optimizer tfjs-layers trains `model` with (a Sequential trains an inner functional model). */
function trainingOptimizer(model: tfl.LayersModel): tfc.Optimizer | undefined {
  const inner = (model as unknown as { model?: tfl.LayersModel }).model ?? model;
  return (inner as unknown as { optimizer_?: tfc.Optimizer }).optimizer_;
}

/** Runs `train` (one `fit`) with the optimizer's update fused where the backend and optimizer allow it. */
export async function withFusedOptimizer<T>(model: tfl.LayersModel, enabled: boolean, train: () => Promise<T>): Promise<T> {
  const optimizer = enabled ? trainingOptimizer(model) : undefined;
  const update = optimizer ? fusedOptimizerUpdate(optimizer) : undefined;
  if (!optimizer || !update || Object.hasOwn(optimizer, "applyGradients")) return train();
  const registered = tfc.engine().registeredVariables;
  // An own property shadows the class's method for this fit only; removed afterwards.
  (optimizer as unknown as { applyGradients: (gradients: GradientList | tfc.NamedTensorMap) => void }).applyGradients = (gradients) => {
    // tfjs passes [{ name, tensor }] in the variables' order (tensor missing where the loss does not depend on it).
    const list: GradientList = Array.isArray(gradients) ? gradients : Object.entries(gradients).map(([name, tensor]) => ({ name, tensor }));
    // Slots are indexed by position in this list, as tfjs's own update indexes them.
    update(
      list.map((entry) => registered[entry.name]!),
      list.map((entry) => entry.tensor ?? undefined),
    );
  };
  try {
    return await train();
  } finally {
    delete (optimizer as unknown as { applyGradients?: unknown }).applyGradients;
  }
}
