/**
 * TensorFlow.js optimizers whose step differs from Keras 3's, corrected to Keras's update rule (Keras is
 * right where the two disagree; checked against Keras 3.15's `update_step`):
 * - Adadelta: Keras divides by the RMS of the accumulated gradient *after* adding this step's gradient;
 *   tfjs divides by the one before (its first step moves each weight by lr · g instead of ~lr · √ε).
 * - Adagrad: Keras's `epsilon` is an option (default 1e-7); tfjs always adds the backend's epsilon.
 * - RMSprop (centered): Keras's denominator is √(v − ḡ² + ε); tfjs subtracts ε instead of adding it.
 * The classes keep tfjs's class names, slots and `getWeights` order, so everything that reads tfjs
 * optimizers (saving, checkpoints, the fused step) sees them as tfjs's.
 *
 * @example
 * const optimizer = new KerasAdadelta(0.001, 0.95, 1e-7);   // keras.optimizers.Adadelta()
 */
import * as tfc from "@tensorflow/tfjs-core";

interface Slot {
  originalName: string;
  variable: tfc.Variable;
}

type Gradients = tfc.NamedTensorMap | Array<{ name: string; tensor: tfc.Tensor }>;

/** Each variable's name, the variable and its gradient (undefined where the loss does not depend on it), in tfjs's order. */
function eachGradient(gradients: Gradients): Array<{ name: string; value: tfc.Variable; gradient: tfc.Tensor | undefined }> {
  const registered = tfc.engine().registeredVariables;
  const list = Array.isArray(gradients)
    ? gradients.map(({ name, tensor }) => ({ name, tensor }))
    : Object.entries(gradients).map(([name, tensor]) => ({ name, tensor }));
  return list.map(({ name, tensor }) => ({ name, value: registered[name]!, gradient: tensor ?? undefined }));
}

/** The slot for position `index`, created as tfjs creates it (not trainable, `name/suffix`). */
function slot(slots: Slot[], index: number, name: string, suffix: string, initial: () => tfc.Tensor): tfc.Variable {
  slots[index] ??= { originalName: `${name}/${suffix}`, variable: tfc.tidy(() => initial().variable(false)) };
  return slots[index].variable;
}

/** Keras 3's Adadelta (learning_rate 0.001, rho 0.95, epsilon 1e-7 by default). */
export class KerasAdadelta extends tfc.AdadeltaOptimizer {
  constructor(learningRate = 0.001, rho = 0.95, epsilon = 1e-7) {
    super(learningRate, rho, epsilon);
  }

  override applyGradients(gradients: Gradients): void {
    const fields = this as unknown as { accumulatedGrads: Slot[]; accumulatedUpdates: Slot[]; learningRate: number; rho: number; epsilon: number };
    const { rho, epsilon, learningRate } = fields;
    eachGradient(gradients).forEach(({ name, value, gradient }, index) => {
      const accumulatedGrad = slot(fields.accumulatedGrads, index, name, "accum_grad", () => tfc.zerosLike(value));
      const accumulatedDelta = slot(fields.accumulatedUpdates, index, name, "accum_var", () => tfc.zerosLike(value));
      if (!gradient) return;
      tfc.tidy(() => {
        const rms = (x: tfc.Tensor) => tfc.sqrt(tfc.add(x, epsilon));
        const grad = tfc.add(tfc.mul(accumulatedGrad, rho), tfc.mul(tfc.square(gradient), 1 - rho));
        const delta = tfc.neg(tfc.div(tfc.mul(rms(accumulatedDelta), gradient), rms(grad)));
        accumulatedGrad.assign(grad);
        accumulatedDelta.assign(tfc.add(tfc.mul(accumulatedDelta, rho), tfc.mul(tfc.square(delta), 1 - rho)));
        value.assign(tfc.add(value, tfc.mul(delta, learningRate)));
      });
    });
    this.incrementIterations();
  }
}

/** Keras 3's Adagrad (learning_rate 0.001, initial_accumulator_value 0.1, epsilon 1e-7 by default). */
export class KerasAdagrad extends tfc.AdagradOptimizer {
  readonly epsilon: number;

  constructor(learningRate = 0.001, initialAccumulatorValue = 0.1, epsilon = 1e-7) {
    super(learningRate, initialAccumulatorValue);
    this.epsilon = epsilon;
  }

  override applyGradients(gradients: Gradients): void {
    const fields = this as unknown as { accumulatedGrads: Slot[]; learningRate: number; initialAccumulatorValue: number };
    eachGradient(gradients).forEach(({ name, value, gradient }, index) => {
      const accumulator = slot(fields.accumulatedGrads, index, name, "accumulator", () => tfc.fill(value.shape, fields.initialAccumulatorValue));
      if (!gradient) return;
      tfc.tidy(() => {
        const accumulated = tfc.add(accumulator, tfc.square(gradient));
        accumulator.assign(accumulated);
        value.assign(tfc.sub(value, tfc.div(tfc.mul(gradient, fields.learningRate), tfc.sqrt(tfc.add(accumulated, this.epsilon)))));
      });
    });
    this.incrementIterations();
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

/** Keras 3's RMSprop: tfjs's step, except that a centered RMSprop adds ε under the square root. */
export class KerasRMSprop extends tfc.RMSPropOptimizer {
  override applyGradients(gradients: Gradients): void {
    const fields = this as unknown as {
      accumulatedMeanSquares: Slot[];
      accumulatedMoments: Slot[];
      accumulatedMeanGrads: Slot[];
      learningRate: number;
      decay: number;
      momentum: number;
      epsilon: number;
      centered: boolean;
    };
    if (!fields.centered) {
      super.applyGradients(gradients);
      return;
    }
    const { decay, momentum, epsilon, learningRate } = fields;
    eachGradient(gradients).forEach(({ name, value, gradient }, index) => {
      const meanSquare = slot(fields.accumulatedMeanSquares, index, name, "rms", () => tfc.zerosLike(value));
      const moment = slot(fields.accumulatedMoments, index, name, "momentum", () => tfc.zerosLike(value));
      const meanGrad = slot(fields.accumulatedMeanGrads, index, name, "mg", () => tfc.zerosLike(value));
      if (!gradient) return;
      tfc.tidy(() => {
        const square = tfc.add(tfc.mul(meanSquare, decay), tfc.mul(tfc.square(gradient), 1 - decay));
        const average = tfc.add(tfc.mul(meanGrad, decay), tfc.mul(gradient, 1 - decay));
        const increment = tfc.div(tfc.mul(gradient, learningRate), tfc.sqrt(tfc.add(tfc.sub(square, tfc.square(average)), epsilon)));
        const step = tfc.add(tfc.mul(moment, momentum), increment);
        meanSquare.assign(square);
        meanGrad.assign(average);
        moment.assign(step);
        value.assign(tfc.sub(value, step));
      });
    });
    this.incrementIterations();
  }
}
