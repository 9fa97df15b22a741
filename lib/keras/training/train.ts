import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { Callback, type Logs } from "../callbacks/callback.js";
import { History, PlotCallback } from "../callbacks/history.js";
import { currentDisplaySink } from "../../display/sink.js";
import { HistoryPlot, HtmlProgressBar } from "../../display/renderers/training-displays.js";
import { Loss, resolveLoss, type LossFunction } from "../losses.js";
import { resolveMetric, type Metric, type MetricFunction } from "../metrics.js";
import { epochLineVerbose1, epochLineVerbose2 } from "./progress.js";
import { withFusedOptimizer } from "./fused-step.js";
import { optimizerFromKeras } from "../saving/optimizer.js";

export interface CompileOptions {
  /** `"adam"`, `"sgd"`, `"rmsprop"`, ... or an optimizer object (`tf.train.adam(1e-3)`). */
  optimizer: string | tfc.Optimizer;
  /** `"sparse_categorical_crossentropy"`, a `keras.losses` object, or `(yTrue, yPred) => Tensor`. */
  loss: string | Loss | LossFunction;
  /** `["accuracy"]`, `keras.metrics` objects or functions. */
  metrics?: Array<string | Metric | MetricFunction>;
  /**
   * Python `run_eagerly=True`: train with tfjs's own op-by-op step (optimizer updates as separate
   * tensor ops), for debugging. Default false: the fused step (see fused-optimizers.ts).
   */
  runEagerly?: boolean;
}

// Keras's optimizer names (any case) → Keras classes; tfjs-layers' own defaults differ (adadelta lr 1, adagrad 0.01, adamax 0.002).
const kerasOptimizerNames: Record<string, string> = {
  adam: "Adam",
  sgd: "SGD",
  rmsprop: "RMSprop",
  adagrad: "Adagrad",
  adadelta: "Adadelta",
  adamax: "Adamax",
};

/** `"adam"`, `"rmsprop"`, … become the optimizer Keras 3 builds for that name, with Keras's defaults. */
function resolveOptimizer(optimizer: string | tfc.Optimizer): string | tfc.Optimizer {
  const className = typeof optimizer === "string" ? kerasOptimizerNames[optimizer.toLowerCase()] : undefined;
  return className ? optimizerFromKeras(className, {}) : optimizer;
}

/** Translates Keras compile options to tfjs-layers' (named functions so logs use Keras's names). */
export function toTfjsCompileArgs(options: CompileOptions | tfl.ModelCompileArgs): tfl.ModelCompileArgs {
  // Multi-output forms (arrays/objects of losses) are passed to tfjs-layers unchanged.
  if (Array.isArray(options.loss) || (typeof options.loss === "object" && !(options.loss instanceof Loss))) {
    return options as tfl.ModelCompileArgs;
  }
  const loss = resolveLoss(options.loss as string | Loss | LossFunction);
  const metrics = Array.isArray(options.metrics)
    ? options.metrics.map((metric) => resolveMetric(metric as string | Metric | MetricFunction, loss))
    : options.metrics;
  return { optimizer: resolveOptimizer(options.optimizer), loss, metrics };
}

export interface FitOptions {
  epochs?: number;
  /** Default 32, like Keras. */
  batchSize?: number;
  validationData?: [tfc.Tensor, tfc.Tensor];
  validationSplit?: number;
  /** 1: a progress line per epoch (default), 2: one short line per epoch, 0: silent. */
  verbose?: 0 | 1 | 2;
  callbacks?: Callback[];
  shuffle?: boolean;
  initialEpoch?: number;
  /** Draws the loss/metric curves live in the notebook, one plot redrawn in place (adds a `PlotCallback`). */
  plot?: boolean;
  /** `"text"`: Keras progress lines in the stream (default); `"html"`: a progress bar updated in place in the notebook. */
  progress?: "text" | "html";
}

/** `fit`'s result: `history.history.loss` etc. as plain numbers. */
export class KerasHistory extends tfl.History {
  declare history: Record<string, number[]>;
  /** Loss and metric curves (validation series dashed) as a plotly figure; the same as Keras users draw with matplotlib. */
  plot(options: { title?: string } = {}): HistoryPlot {
    return new HistoryPlot(this.history, options.title);
  }

  /**
   * Like IPython's repr of Keras's History (`<keras.src.callbacks.history.History at 0x…>`), without a
   * memory address: a cell ending in `await model.fit(...)` shows one line, not the model inside it.
   */
  override toString(): string {
    const keys = Object.keys(this.history);
    return `<keras.src.callbacks.history.History epochs=${this.epoch.length}${keys.length > 0 ? ` history=[${keys.join(", ")}]` : ""}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

function sampleCount(x: tfc.Tensor | tfc.Tensor[]): number {
  return (Array.isArray(x) ? x[0] : x).shape[0];
}

/** Runs tfjs-layers' training loop silently and prints Keras-style lines and calls Keras callbacks. */
export async function fitModel(
  model: tfl.LayersModel,
  baseFit: tfl.LayersModel["fit"],
  x: tfc.Tensor | tfc.Tensor[],
  y: tfc.Tensor | tfc.Tensor[],
  options: FitOptions = {},
): Promise<KerasHistory> {
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  const verbose = options.verbose ?? 1;
  const validationSplit = options.validationSplit ?? 0;
  const steps = Math.ceil((sampleCount(x) * (1 - validationSplit)) / batchSize);
  const callbacks = [...(options.callbacks ?? [])];
  if (options.plot && !callbacks.some((callback) => callback instanceof PlotCallback)) callbacks.push(new PlotCallback());
  if (options.progress !== undefined && options.progress !== "text" && options.progress !== "html") {
    throw new Error(
      `fit({ progress: ${JSON.stringify(options.progress)} }) is not a progress style; use "text" (Keras lines, the default) or "html" (a bar updated in place in the notebook).`,
    );
  }
  // Without a notebook to draw in, the HTML bar falls back to the text lines.
  const htmlBar = options.progress === "html" && verbose > 0 && currentDisplaySink() ? new HtmlProgressBar() : undefined;
  let lastBarDraw = 0;
  let currentEpoch = 0;
  for (const callback of callbacks) {
    if (!(callback instanceof Callback)) {
      throw new Error(
        "fit({ callbacks }) expects keras.callbacks.Callback instances; subclass keras.callbacks.Callback and override onEpochEnd/onBatchEnd etc.",
      );
    }
    callback.setModel(model);
  }
  const history = new KerasHistory();
  const kept = new History();
  let epochStart = 0;
  const bridge: tfl.CustomCallbackArgs = {
    onTrainBegin: async () => {
      for (const callback of callbacks) await callback.onTrainBegin({});
    },
    onTrainEnd: async () => {
      for (const callback of callbacks) await callback.onTrainEnd({});
    },
    onEpochBegin: async (epoch) => {
      epochStart = performance.now();
      currentEpoch = epoch;
      if (htmlBar) await htmlBar.update(epoch + 1, epochs, 0, steps, {});
      else if (verbose > 0) console.log(`Epoch ${epoch + 1}/${epochs}`);
      for (const callback of callbacks) await callback.onEpochBegin(epoch, {});
    },
  };
  // tfjs reads every batch's loss back (a sync) when a batch hook is given: only when something uses it.
  const overrides = (hook: "onBatchBegin" | "onBatchEnd") => callbacks.some((callback) => callback[hook] !== Callback.prototype[hook]);
  if (overrides("onBatchBegin"))
    bridge.onBatchBegin = async (batch, logs) => {
      for (const callback of callbacks) await callback.onBatchBegin(batch, (logs ?? {}) as Logs);
    };
  if (htmlBar || overrides("onBatchEnd"))
    bridge.onBatchEnd = async (batch, logs) => {
      // Redrawn at most ten times a second: every batch would flood the notebook with messages.
      if (htmlBar && performance.now() - lastBarDraw > 100) {
        lastBarDraw = performance.now();
        const numbers = Object.fromEntries(
          Object.entries(logs ?? {})
            .filter(([key]) => key !== "batch" && key !== "size")
            .map(([key, value]) => [key, Number(value)]),
        );
        await htmlBar.update(currentEpoch + 1, epochs, Math.min(batch + 1, steps), steps, numbers);
      }
      for (const callback of callbacks) await callback.onBatchEnd(batch, (logs ?? {}) as Logs);
    };
  Object.assign(bridge, {
    onEpochEnd: async (epoch: number, logs?: tfl.Logs) => {
      const numbers = Object.fromEntries(Object.entries(logs ?? {}).map(([key, value]) => [key, Number(value)]));
      const seconds = (performance.now() - epochStart) / 1000;
      if (htmlBar) await htmlBar.update(epoch + 1, epochs, steps, steps, numbers);
      else if (verbose === 1) console.log(epochLineVerbose1(steps, seconds, numbers));
      else if (verbose === 2) console.log(epochLineVerbose2(steps, seconds, numbers));
      kept.record(epoch, numbers);
      for (const callback of callbacks) await callback.onEpochEnd(epoch, numbers);
    },
  });
  const runEagerly = (model as { runEagerly?: boolean }).runEagerly === true;
  await withFusedOptimizer(model, !runEagerly, () =>
    baseFit(x, y, {
      epochs,
      batchSize,
      verbose: 0,
      validationData: options.validationData,
      validationSplit: validationSplit || undefined,
      shuffle: options.shuffle ?? true,
      initialEpoch: options.initialEpoch,
      callbacks: bridge,
    }),
  );
  history.history = kept.history;
  history.epoch = kept.epoch;
  history.params = { epochs, steps, verbose };
  history.setModel(model);
  return history;
}

export interface EvaluateOptions {
  batchSize?: number;
  /** 1: a progress bar line; 2: one plain line (`32/32 - 0s - loss: ...`), as the docs' `verbose=2`. */
  verbose?: 0 | 1 | 2;
}

/** `[loss, ...metrics]` as numbers, printed like Keras's `evaluate` when verbose. */
export type EvaluateResult = tfc.Scalar[] & PromiseLike<number[]>;

/**
 * Evaluates with tfjs-layers and returns its Scalars as an array that is also awaitable: `await` gives
 * `[loss, ...metrics]` as numbers (the Keras API), while code written for tfjs still sees Scalars.
 */
export function evaluateModel(
  model: tfl.LayersModel,
  evaluate: tfl.LayersModel["evaluate"],
  x: tfc.Tensor | tfc.Tensor[],
  y: tfc.Tensor | tfc.Tensor[],
  options: EvaluateOptions = {},
): EvaluateResult {
  const batchSize = options.batchSize ?? 32;
  const started = performance.now();
  const result = evaluate.call(model, x, y, { batchSize, verbose: 0 });
  const scalars = (Array.isArray(result) ? [...result] : [result]) as EvaluateResult;
  let numbers: Promise<number[]> | undefined;
  const read = () => (numbers ??= readAndPrint(model, scalars, x, batchSize, started, options.verbose ?? 1));
  // biome-ignore lint/suspicious/noThenProperty: the result is both Keras's list of scalars and awaitable for its numbers.
  Object.defineProperty(scalars, "then", {
    value: <A, B>(onFulfilled?: (values: number[]) => A | PromiseLike<A>, onRejected?: (reason: unknown) => B | PromiseLike<B>) =>
      read().then(onFulfilled, onRejected),
    enumerable: false,
  });
  return scalars;
}

async function readAndPrint(
  model: tfl.LayersModel,
  scalars: tfc.Scalar[],
  x: tfc.Tensor | tfc.Tensor[],
  batchSize: number,
  started: number,
  verbose: number,
): Promise<number[]> {
  const values: number[] = [];
  for (const scalar of scalars) values.push((await scalar.data())[0]);
  if (verbose === 1 || verbose === 2) {
    const names = model.metricsNames;
    const logs = Object.fromEntries(values.map((value, index) => [names[index] ?? `metric_${index}`, value]));
    const line = verbose === 1 ? epochLineVerbose1 : epochLineVerbose2;
    console.log(line(Math.ceil(sampleCount(x) / batchSize), (performance.now() - started) / 1000, logs));
  }
  return values;
}

/**
 * tfjs-layers checks targets against the output shape unless the loss is its own sparse crossentropy
 * function; Keras's sparse losses take integer labels `[n]` / `[n, 1]`, so their targets are declared `[n, 1]`.
 */
export function allowSparseTargets(model: tfl.LayersModel): void {
  // A Sequential model compiles and trains an inner functional model.
  const compiled = model instanceof tfl.Sequential ? (model as unknown as { model: tfl.LayersModel }).model : model;
  const internals = compiled as unknown as { feedOutputShapes: (number | null)[][]; feedLossFns: Array<{ name?: string }> };
  internals.feedLossFns.forEach((lossFunction, index) => {
    if (lossFunction.name?.startsWith("sparse_")) internals.feedOutputShapes[index] = [...internals.feedOutputShapes[index].slice(0, -1), 1];
  });
}
