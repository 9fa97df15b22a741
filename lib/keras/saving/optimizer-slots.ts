/**
 * An optimizer's state (step count and slot variables) in Keras 3's terms, read from and put back
 * into the TensorFlow.js optimizers tskeras trains with. Keras 3 files list `optimizer.variables`:
 * `iterations`, `learning_rate`, then the slots in the order each optimizer's `build` creates them
 * (asked of Keras 3.15 itself: Adam interleaves momentum/velocity per weight, RMSprop lists every
 * velocity, then every momentum, then every average gradient), which {@link kerasSlotOrder} spells out.
 *
 * @example
 * const state = optimizerStateOf(model);            // { iterations: 3, slots: { momentum: [...], velocity: [...] } }
 * kerasSlotOrder("Adam", config);                    // [["momentum", "velocity"]]
 */
import * as tfc from "@tensorflow/tfjs-core";
import { replayBiasCorrectionPowers } from "./optimizer.js";

/** Step count and each Keras slot kind's tensors, in `model.trainableWeights` order. */
export interface OptimizerState {
  iterations: number;
  /** Keras slot name (`momentum`, `velocity`, `norm`, `accumulator`, …) → one tensor per trainable weight; empty before the first step. */
  slots: Record<string, tfc.Tensor[]>;
}

interface SlotEntry {
  originalName: string;
  variable: tfc.Variable;
}

type Fields = Record<string, unknown>;

/**
 * Keras 3's slot layout for an optimizer (Keras class name and Keras config): groups made in turn, each
 * interleaving its kinds per weight (Adam: `[["momentum", "velocity"]]` → m0 v0 m1 v1 …).
 */
export function kerasSlotOrder(className: string, config: Record<string, unknown>): string[][] {
  switch (className) {
    case "Adam":
      return [["momentum", "velocity"]];
    case "Adamax":
      return [["momentum", "norm"]];
    case "SGD":
      return Number(config["momentum"] ?? 0) !== 0 ? [["momentum"]] : [];
    case "RMSprop":
      return [["velocity"], ...(Number(config["momentum"] ?? 0) > 0 ? [["momentum"]] : []), ...(config["centered"] === true ? [["average_gradient"]] : [])];
    case "Adagrad":
      return [["accumulator"]];
    case "Adadelta":
      return [["accumulated_grad", "accumulated_delta_var"]];
    default:
      return [];
  }
}

/** Slots in file order (`optimizer/vars/2`, `3`, …) for `count` weights. */
export function orderedSlots(order: string[][], count: number): Array<{ kind: string; index: number }> {
  return order.flatMap((group) => Array.from({ length: count }, (_, index) => group.map((kind) => ({ kind, index }))).flat());
}

// tfjs's fields per Keras slot kind, by tfjs class name.
const tfjsFields: Record<string, Record<string, string>> = {
  Adam: { momentum: "accumulatedFirstMoment", velocity: "accumulatedSecondMoment" },
  Adamax: { momentum: "accumulatedFirstMoment", norm: "accumulatedWeightedInfNorm" },
  Momentum: { momentum: "accumulations" },
  RMSProp: { velocity: "accumulatedMeanSquares", momentum: "accumulatedMoments", average_gradient: "accumulatedMeanGrads" },
  Adagrad: { accumulator: "accumulatedGrads" },
  Adadelta: { accumulated_grad: "accumulatedGrads", accumulated_delta_var: "accumulatedUpdates" },
};

/** Which of tfjs's slot kinds Keras keeps for this optimizer (RMSprop keeps momentum only when it is used). */
function keptKinds(optimizer: tfc.Optimizer): string[] {
  const fields = optimizer as unknown as Fields;
  const className = optimizer.getClassName();
  if (className === "RMSProp") {
    return ["velocity", ...(Number(fields["momentum"]) > 0 ? ["momentum"] : []), ...(fields["centered"] === true ? ["average_gradient"] : [])];
  }
  return Object.keys(tfjsFields[className] ?? {});
}

/**
 * tfjs's Momentum accumulates gradients (step = lr · a); Keras's SGD keeps the step itself (m = -lr · a).
 * The factor turns one into the other.
 */
function kerasScale(optimizer: tfc.Optimizer, kind: string): number {
  return optimizer.getClassName() === "Momentum" && kind === "momentum" ? -Number((optimizer as unknown as Fields)["learningRate"]) : 1;
}

/** The step count and, once training created them, the slots of every trainable weight, in Keras's terms. */
export function optimizerStateOf(optimizer: tfc.Optimizer, trainableCount: number): OptimizerState {
  const fields = optimizer as unknown as Fields;
  const className = optimizer.getClassName();
  const slots: Record<string, tfc.Tensor[]> = {};
  const kinds = keptKinds(optimizer);
  const entries = kinds.map((kind) => (fields[tfjsFields[className]![kind]!] as SlotEntry[] | undefined) ?? []);
  // Slots exist only after a step (tfjs creates them lazily, as Keras builds them on the first fit).
  if (kinds.length > 0 && entries.every((list) => list.length === trainableCount && list.every((entry) => entry !== undefined))) {
    kinds.forEach((kind, position) => {
      const scale = kerasScale(optimizer, kind);
      slots[kind] = entries[position]!.map((entry) => (scale === 1 ? entry.variable : tfc.mul(entry.variable, scale)));
    });
  }
  return { iterations: optimizer.iterations, slots };
}

/**
 * Puts a Keras step count and slots into a tfjs optimizer of the matching class, so its next step is the
 * step Keras would take. Slots must be complete (every kind {@link keptKinds} lists, one per weight) or absent.
 */
export function restoreOptimizer(optimizer: tfc.Optimizer, state: OptimizerState, trainable: Array<{ name: string; shape: number[] }>, source: string): void {
  const fields = optimizer as unknown as Fields;
  const className = optimizer.getClassName();
  const kinds = keptKinds(optimizer);
  const present = Object.keys(state.slots).length > 0;
  if (present) {
    for (const kind of kinds) {
      const tensors = state.slots[kind];
      if (!tensors || tensors.length !== trainable.length) {
        throw new Error(
          `${source} holds ${tensors?.length ?? 0} "${kind}" optimizer slots but the model has ${trainable.length} trainable weights. The optimizer state belongs to another architecture; load with { compile: false } to skip it.`,
        );
      }
      tensors.forEach((tensor, index) => {
        const expected = trainable[index]!.shape;
        if (tensor.shape.length !== expected.length || tensor.shape.some((size, axis) => size !== expected[axis])) {
          throw new Error(
            `${source}: the optimizer slot "${kind}" of ${trainable[index]!.name} has shape [${tensor.shape.join(", ")}], expected [${expected.join(", ")}]. The optimizer state belongs to another architecture.`,
          );
        }
      });
    }
    for (const [kind, field] of Object.entries(tfjsFields[className] ?? {})) {
      tfc.dispose(((fields[field] as SlotEntry[] | undefined) ?? []).filter((entry) => entry !== undefined).map((entry) => entry.variable));
      const scale = kerasScale(optimizer, kind);
      // A kind Keras does not keep (RMSprop's momentum at momentum 0) starts from zeros, where it has no effect.
      fields[field] = trainable.map((variable, index) => {
        const saved = kinds.includes(kind) ? state.slots[kind]![index]! : tfc.zeros(variable.shape);
        const value = tfc.tidy(() => (scale === 1 ? saved.clone() : tfc.div(saved, scale)));
        return { originalName: `${variable.name}/${kind}`, variable: value.variable(false) };
      });
    }
  }
  (fields as { iterations_: number }).iterations_ = state.iterations;
  // Adamax also counts steps in a variable of its own (for its learning-rate decay).
  const iteration = fields["iteration"];
  if (iteration instanceof tfc.Variable) iteration.assign(tfc.scalar(state.iterations));
  replayBiasCorrectionPowers(optimizer, state.iterations);
}
