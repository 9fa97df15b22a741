import * as tfc from "@tensorflow/tfjs-core";
import { resolveLoss, type LossFunction } from "./losses.js";

/** A per-sample metric with a Keras name (tfjs averages it over the batch). */
export type MetricFunction = (yTrue: tfc.Tensor, yPred: tfc.Tensor) => tfc.Tensor;

/** Base class of Keras metric objects. */
export abstract class Metric {
  abstract readonly name: string;
  abstract call(yTrue: tfc.Tensor, yPred: tfc.Tensor): tfc.Tensor;
  asFunction(): MetricFunction {
    const metric = (yTrue: tfc.Tensor, yPred: tfc.Tensor) => this.call(yTrue, yPred);
    return Object.defineProperty(metric, "name", { value: this.name });
  }
}

/** Python `keras.metrics.SparseCategoricalAccuracy(name=...)`: integer labels against the arg-max class. */
export class SparseCategoricalAccuracy extends Metric {
  readonly name: string;
  constructor(options: { name?: string } = {}) {
    super();
    this.name = options.name ?? "sparse_categorical_accuracy";
  }
  call(yTrue: tfc.Tensor, yPred: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => tfc.cast(tfc.equal(tfc.cast(tfc.reshape(yTrue, [-1]), "int32"), tfc.reshape(tfc.argMax(yPred, -1), [-1])), "float32"));
  }
}

/** Python `keras.metrics.CategoricalAccuracy(name=...)`: one-hot labels. */
export class CategoricalAccuracy extends Metric {
  readonly name: string;
  constructor(options: { name?: string } = {}) {
    super();
    this.name = options.name ?? "categorical_accuracy";
  }
  call(yTrue: tfc.Tensor, yPred: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => tfc.cast(tfc.equal(tfc.argMax(yTrue, -1), tfc.argMax(yPred, -1)), "float32"));
  }
}

/**
 * Resolves a `compile({ metrics })` entry. `"accuracy"` becomes the accuracy that fits the loss, as
 * Keras does: sparse for integer-label losses, categorical otherwise; it keeps the name "accuracy".
 */
export function resolveMetric(metric: string | Metric | MetricFunction, loss: LossFunction): MetricFunction {
  if (metric instanceof Metric) return metric.asFunction();
  if (typeof metric === "function") return metric;
  if (metric === "accuracy" || metric === "acc") {
    const sparse = loss.name.startsWith("sparse_");
    return (sparse ? new SparseCategoricalAccuracy({ name: metric }) : new CategoricalAccuracy({ name: metric })).asFunction();
  }
  if (metric === "sparse_categorical_accuracy") return new SparseCategoricalAccuracy().asFunction();
  if (metric === "categorical_accuracy") return new CategoricalAccuracy().asFunction();
  try {
    const asLoss = resolveLoss(metric);
    return asLoss;
  } catch {
    throw new Error(
      `Unknown metric "${metric}". Expected "accuracy", "sparse_categorical_accuracy", "categorical_accuracy", a loss name, a keras.metrics object or a function.`,
    );
  }
}
