/**
 * Keras 3's `_keras_logits`: on the TensorFlow backend, `sigmoid` and `softmax` attach their input to
 * their output, and `binary_crossentropy`, `categorical_crossentropy` and
 * `sparse_categorical_crossentropy` then compute from those logits (as `from_logits=True`) whenever
 * the prediction carries them, whichever of the two activations made it: a model ending in
 * `Dense(3, activation="softmax")` compiled with `"binary_crossentropy"` is trained and evaluated on
 * sigmoid-crossentropy of the softmax's input. tskeras does the same inside a train or test step
 * (fit, evaluate, trainOnBatch, fitDataset, evaluateDataset): tfjs's sigmoid/softmax activations record their input
 * for the step, and the crossentropy losses look it up with {@link kerasLogitsOf}.
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

/** Output tensor → the logits it was computed from, for the step in progress. */
const logitsByOutput = new WeakMap<tfc.Tensor, tfc.Tensor>();
/** The kept logits of the step in progress, disposed when it ends. */
let recorded: tfc.Tensor[] = [];
let stepDepth = 0;

/** Called by sigmoid/softmax: within a train/test step, `output` carries `logits` to the loss. */
export function recordLogits(output: tfc.Tensor, logits: tfc.Tensor): void {
  if (stepDepth === 0 || output === logits) return;
  // A kept identity of the input: the layer's own tidy would dispose the pre-activation before the
  // loss reads it, and the identity passes gradients back to it.
  const kept = tfc.keep(tfc.clone(logits));
  recorded.push(kept);
  logitsByOutput.set(output, kept);
}

/** The logits a sigmoid/softmax output was computed from (Keras's `output._keras_logits`), if any. */
export function kerasLogitsOf(prediction: tfc.Tensor): tfc.Tensor | undefined {
  const logits = logitsByOutput.get(prediction);
  return logits && !logits.isDisposed ? logits : undefined;
}

/** Runs one train/test step with the activations recording their logits; frees them afterwards. */
function duringStep<Result>(step: () => Result): Result {
  stepDepth++;
  try {
    return step();
  } finally {
    stepDepth--;
    if (stepDepth === 0) {
      tfc.dispose(recorded);
      recorded = [];
    }
  }
}

type StepFunction = (data: tfc.Tensor[]) => tfc.Scalar[];
interface StepFunctionMakers {
  makeTrainFunction(): StepFunction;
  makeTestFunction(): void;
  testFunction: StepFunction;
}

/** tfjs-layers builds each step from these two methods (Sequential delegates to its inner model). */
function wrapModelSteps(): void {
  const prototype = tfl.LayersModel.prototype as unknown as StepFunctionMakers;
  const makeTrainFunction = prototype.makeTrainFunction;
  const makeTestFunction = prototype.makeTestFunction;
  prototype.makeTrainFunction = function (this: StepFunctionMakers) {
    const train = makeTrainFunction.call(this);
    return (data) => duringStep(() => train(data));
  };
  prototype.makeTestFunction = function (this: StepFunctionMakers) {
    makeTestFunction.call(this);
    const test = this.testFunction;
    this.testFunction = (data) => duringStep(() => test(data));
  };
}

type ActivationClass = { prototype: { apply(x: tfc.Tensor, axis?: number): tfc.Tensor } };

/** tfjs's registered `sigmoid` and `softmax` activations (used by Dense, Conv, Activation and Softmax layers). */
function wrapActivations(): void {
  for (const className of ["sigmoid", "softmax"]) {
    const entry = tfc.serialization.SerializationMap.getMap().classNameMap[className];
    if (!entry) throw new Error(`tfjs-layers has not registered its "${className}" activation; is @tensorflow/tfjs-layers 4.22 installed?`);
    const prototype = (entry[0] as unknown as ActivationClass).prototype;
    const apply = prototype.apply;
    prototype.apply = function (this: unknown, x: tfc.Tensor, axis?: number) {
      const output = apply.call(this, x, axis);
      recordLogits(output, x);
      return output;
    };
  }
}

wrapModelSteps();
wrapActivations();
