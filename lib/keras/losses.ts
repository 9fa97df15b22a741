import * as tfc from "@tensorflow/tfjs-core";
import { snakeCase } from "../util/naming.js";
import { kerasLogitsOf } from "./activation-logits.js";

/** A per-sample loss function with a Keras name (tfjs averages it over the batch). */
export type LossFunction = (yTrue: tfc.Tensor, yPred: tfc.Tensor) => tfc.Tensor;

/** Base class of Keras loss objects: callable through `asFunction()`, named like Keras. */
export abstract class Loss {
  abstract readonly name: string;
  /** Per-sample losses. */
  abstract call(yTrue: tfc.Tensor, yPred: tfc.Tensor): tfc.Tensor;
  asFunction(options: { keepObject?: boolean } = {}): LossFunction {
    const loss = (yTrue: tfc.Tensor, yPred: tfc.Tensor) => this.call(yTrue, yPred);
    // The object stays reachable so saving can record its config (e.g. from_logits), as Keras does;
    // a loss given by name is saved by name, as Keras does.
    if (options.keepObject !== false) Object.defineProperty(loss, Symbol.for("tskeras.kerasLoss"), { value: this });
    return Object.defineProperty(loss, "name", { value: this.name });
  }
}

export interface CrossentropyOptions {
  /** True when the model outputs raw scores (no softmax), as in the TensorFlow quickstart. */
  fromLogits?: boolean;
}

/** The crossentropies share `fromLogits` (saved as Keras's `from_logits`). */
abstract class CrossentropyLoss extends Loss {
  readonly fromLogits: boolean;
  constructor(options: CrossentropyOptions = {}) {
    super();
    this.fromLogits = options.fromLogits ?? false;
  }
}

/**
 * What a crossentropy computes from, as Keras 3's TensorFlow backend decides: the logits a sigmoid or
 * softmax output carries (then always as logits, see activation-logits.ts), else the prediction itself.
 */
function crossentropyInput(yPred: tfc.Tensor, fromLogits: boolean): { scores: tfc.Tensor; fromLogits: boolean } {
  const logits = kerasLogitsOf(yPred);
  return logits ? { scores: logits, fromLogits: true } : { scores: yPred, fromLogits };
}

/** Log-probabilities from either probabilities or logits. */
function logProbabilities(yPred: tfc.Tensor, fromLogits: boolean): tfc.Tensor {
  if (fromLogits) return tfc.logSoftmax(yPred);
  const epsilon = 1e-7; // Keras clips probabilities by its backend epsilon before the log
  return tfc.log(tfc.clipByValue(tfc.div(yPred, tfc.sum(yPred, -1, true)), epsilon, 1 - epsilon));
}

/**
 * Python `keras.losses.SparseCategoricalCrossentropy(from_logits=...)`: integer labels, one score per class.
 *
 * @example
 * model.compile({ optimizer: "adam", loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
 */
export class SparseCategoricalCrossentropy extends CrossentropyLoss {
  readonly name = "sparse_categorical_crossentropy";
  call(yTrue: tfc.Tensor, yPred: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const classes = yPred.shape[yPred.shape.length - 1]!;
      const labels = tfc.cast(tfc.reshape(yTrue, [-1]), "int32");
      const oneHot = tfc.reshape(tfc.oneHot(labels, classes), yPred.shape);
      const { scores, fromLogits } = crossentropyInput(yPred, this.fromLogits);
      return tfc.neg(tfc.sum(tfc.mul(oneHot, logProbabilities(scores, fromLogits)), -1));
    });
  }
}

/** Python `keras.losses.CategoricalCrossentropy(from_logits=...)`: one-hot labels. */
export class CategoricalCrossentropy extends CrossentropyLoss {
  readonly name = "categorical_crossentropy";
  call(yTrue: tfc.Tensor, yPred: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const { scores, fromLogits } = crossentropyInput(yPred, this.fromLogits);
      return tfc.neg(tfc.sum(tfc.mul(yTrue, logProbabilities(scores, fromLogits)), -1));
    });
  }
}

/** Python `keras.losses.MeanSquaredError()`. */
export class MeanSquaredError extends Loss {
  readonly name = "mean_squared_error";
  call(yTrue: tfc.Tensor, yPred: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => tfc.mean(tfc.squaredDifference(yTrue, yPred), -1));
  }
}

/** Python `keras.losses.BinaryCrossentropy(from_logits=...)`: one probability (or logit) per label. */
export class BinaryCrossentropy extends CrossentropyLoss {
  readonly name = "binary_crossentropy";
  call(yTrue: tfc.Tensor, yPred: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const labels = tfc.cast(yTrue, "float32");
      const { scores, fromLogits } = crossentropyInput(yPred, this.fromLogits);
      if (fromLogits) {
        // max(x, 0) - x * z + log(1 + exp(-|x|)): stable for large logits.
        const perLabel = tfc.add(tfc.sub(tfc.relu(scores), tfc.mul(scores, labels)), tfc.log1p(tfc.exp(tfc.neg(tfc.abs(scores)))));
        return tfc.mean(perLabel, -1);
      }
      const epsilon = 1e-7;
      const p = tfc.clipByValue(scores, epsilon, 1 - epsilon);
      const perLabel = tfc.neg(tfc.add(tfc.mul(labels, tfc.log(p)), tfc.mul(tfc.sub(1, labels), tfc.log(tfc.sub(1, p)))));
      return tfc.mean(perLabel, -1);
    });
  }
}

/** Python `keras.losses.MeanAbsoluteError()`. */
export class MeanAbsoluteError extends Loss {
  readonly name = "mean_absolute_error";
  call(yTrue: tfc.Tensor, yPred: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => tfc.mean(tfc.abs(tfc.sub(yTrue, yPred)), -1));
  }
}

/** Keras loss strings (snake_case and aliases) → loss objects. */
const lossesByName: Record<string, () => Loss> = {
  sparse_categorical_crossentropy: () => new SparseCategoricalCrossentropy(),
  categorical_crossentropy: () => new CategoricalCrossentropy(),
  mean_squared_error: () => new MeanSquaredError(),
  mse: () => new MeanSquaredError(),
  binary_crossentropy: () => new BinaryCrossentropy(),
  mean_absolute_error: () => new MeanAbsoluteError(),
  mae: () => new MeanAbsoluteError(),
};

/** Resolves what `compile({ loss })` accepts into a named per-sample function. */
export function resolveLoss(loss: string | Loss | LossFunction): LossFunction {
  if (loss instanceof Loss) return loss.asFunction();
  if (typeof loss === "function") return loss;
  // tfjs spells loss names in camelCase ("binaryCrossentropy"); Keras in snake_case.
  const make = lossesByName[loss] ?? lossesByName[snakeCase(loss)];
  if (!make)
    throw new Error(
      `Unknown loss "${loss}". Expected one of ${Object.keys(lossesByName).join(", ")}, a keras.losses object or a function (yTrue, yPred) => Tensor.`,
    );
  return make().asFunction({ keepObject: false });
}
