/**
 * The one mapping between Keras optimizers (class name + snake_case config, as every model file
 * records them) and TensorFlow.js optimizers. `.h5`, `.keras`, SavedModel and tfjs files all go
 * through it, so an optimizer saves and loads the same way in every format.
 *
 * @example
 * optimizerFromKeras("SGD", { learning_rate: 0.1, momentum: 0.9 });   // tf.train.momentum(0.1, 0.9)
 * kerasOptimizerConfig(tf.train.momentum(0.1, 0.9));                   // { className: "SGD", config: { name: "SGD", learning_rate: 0.1, momentum: 0.9, nesterov: false } }
 */
import * as tfc from "@tensorflow/tfjs-core";
import { KerasAdadelta, KerasAdagrad, KerasRMSprop } from "../training/keras-update-rules.js";

/** A Keras optimizer as files record it: class name and its Keras config. */
export interface KerasOptimizerConfig {
  className: string;
  config: Record<string, number | boolean | string>;
}

/** Keras optimizers tskeras trains with, by Keras class name. */
export const supportedOptimizers = ["Adam", "Adamax", "SGD", "RMSprop", "Adagrad", "Adadelta"] as const;

/** Thrown for an optimizer that has no counterpart on the other side; loaders catch it and load uncompiled. */
export class UnsupportedOptimizerError extends Error {
  override name = "UnsupportedOptimizerError";
}

/** tfjs optimizer → its Keras class and config (tfjs's `Momentum` is Keras's SGD with momentum). */
export function kerasOptimizerConfig(optimizer: tfc.Optimizer): KerasOptimizerConfig {
  const className = optimizer.getClassName();
  const config = optimizer.getConfig() as Record<string, number | boolean>;
  const learningRate = Number(config["learningRate"]);
  const keras = (name: string, own: Record<string, number | boolean>): KerasOptimizerConfig => ({
    className: name,
    config: { name, learning_rate: learningRate, ...own },
  });
  switch (className) {
    case "Adam":
      return keras("Adam", { beta_1: Number(config["beta1"]), beta_2: Number(config["beta2"]), epsilon: Number(config["epsilon"]), amsgrad: false });
    case "Adamax":
      return keras("Adamax", { beta_1: Number(config["beta1"]), beta_2: Number(config["beta2"]), epsilon: Number(config["epsilon"]) });
    case "SGD":
      return keras("SGD", { momentum: 0, nesterov: false });
    case "Momentum":
      return keras("SGD", { momentum: Number(config["momentum"]), nesterov: Boolean(config["useNesterov"]) });
    case "RMSProp":
      return keras("RMSprop", {
        rho: Number(config["decay"]),
        momentum: Number(config["momentum"]),
        epsilon: Number(config["epsilon"]),
        centered: Boolean(config["centered"]),
      });
    case "Adagrad":
      return keras("Adagrad", { initial_accumulator_value: Number(config["initialAccumulatorValue"]), epsilon: Number(config["epsilon"] ?? 1e-7) });
    case "Adadelta":
      return keras("Adadelta", { rho: Number(config["rho"]), epsilon: Number(config["epsilon"]) });
    default:
      throw new UnsupportedOptimizerError(
        `Saving the compile state of a ${className} optimizer is not supported yet (supported: ${supportedOptimizers.join(", ")}). Save with { includeOptimizer: false }, or compile with one of those.`,
      );
  }
}

/** Keras optimizer class name (also `Custom>Adam`) and config → a TensorFlow.js optimizer. */
export function optimizerFromKeras(className: string, config: Record<string, unknown>): tfc.Optimizer {
  const name = className.slice(className.lastIndexOf(">") + 1);
  const number = (key: string, fallback: number) => (typeof config[key] === "number" ? (config[key] as number) : fallback);
  // Keras 2 before 2.3 wrote `lr`.
  const learningRate = (fallback: number) => number("learning_rate", number("lr", fallback));
  switch (name) {
    case "Adam":
      return tfc.train.adam(learningRate(0.001), number("beta_1", 0.9), number("beta_2", 0.999), number("epsilon", 1e-7));
    case "Adamax":
      return tfc.train.adamax(learningRate(0.001), number("beta_1", 0.9), number("beta_2", 0.999), number("epsilon", 1e-7), number("decay", 0));
    case "SGD":
      return number("momentum", 0) > 0
        ? tfc.train.momentum(learningRate(0.01), number("momentum", 0), config["nesterov"] === true)
        : tfc.train.sgd(learningRate(0.01));
    case "RMSprop":
      return new KerasRMSprop(learningRate(0.001), number("rho", 0.9), number("momentum", 0), number("epsilon", 1e-7), config["centered"] === true);
    case "Adagrad":
      return new KerasAdagrad(learningRate(0.001), number("initial_accumulator_value", 0.1), number("epsilon", 1e-7));
    case "Adadelta":
      return new KerasAdadelta(learningRate(0.001), number("rho", 0.95), number("epsilon", 1e-7));
    default:
      throw new UnsupportedOptimizerError(
        `The saved optimizer ${className} is not supported yet (supported: ${supportedOptimizers.join(", ")}). Load with { compile: false } and compile the model yourself.`,
      );
  }
}

/**
 * After an optimizer's state is restored: tfjs keeps Adam's (and Adamax's) bias-correction powers as
 * running float32 products, and `setWeights` recomputes them with pow(), which can differ in the last
 * bit. Redoing the products step by step makes training resume bit for bit as if it had never stopped.
 */
export function replayBiasCorrectionPowers(optimizer: tfc.Optimizer, iterations: number): void {
  const fields = optimizer as unknown as Record<string, unknown>;
  for (const [power, beta] of [
    ["accBeta1", "beta1"],
    ["accBeta2", "beta2"],
  ] as const) {
    const accumulator = fields[power] as tfc.Variable | undefined;
    if (!accumulator || typeof fields[beta] !== "number") continue;
    const factor = Math.fround(fields[beta] as number);
    let product = factor;
    for (let step = 0; step < iterations; step++) product = Math.fround(product * factor);
    accumulator.assign(tfc.scalar(product));
  }
}
