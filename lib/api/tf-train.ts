import type * as tfc from "@tensorflow/tfjs-core";
import { train as tfjsTrain } from "@tensorflow/tfjs-core";
import { latestCheckpoint, listVariables, loadCheckpoint } from "../formats/checkpoint/index.js";
import { Checkpoint, CheckpointManager } from "../keras/saving/train-checkpoint.js";
import { KerasAdadelta, KerasAdagrad, KerasRMSprop } from "../keras/training/keras-update-rules.js";

/**
 * `tf.train`: TensorFlow.js's optimizers (`tf.train.adam()`, …) plus TensorFlow's checkpoint tools.
 * Adadelta, Adagrad and RMSprop take Keras 3's update step (keras-update-rules.ts), so a model trained
 * here continues in Keras (and back) with the same numbers; their arguments are tfjs's.
 * @example
 * tf.train.latestCheckpoint("training_2");                                   // "…/training_2/cp-0050.ckpt"
 * tf.train.loadCheckpoint("training_1/cp.ckpt").getVariableToDtypeMap();     // { "layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE": "float32", … }
 * tf.train.listVariables("training_1/cp.ckpt");                              // [[key, shape], …]
 * await new tf.train.Checkpoint({ model, optimizer }).save("ckpts/ckpt");     // "ckpts/ckpt-1"
 */
const checkpointTools = { loadCheckpoint, listVariables, latestCheckpoint, Checkpoint, CheckpointManager };
const kerasSteps = {
  adadelta: (learningRate = 0.001, rho = 0.95, epsilon?: number | null): tfc.AdadeltaOptimizer => new KerasAdadelta(learningRate, rho, epsilon ?? 1e-7),
  adagrad: (learningRate: number, initialAccumulatorValue = 0.1): tfc.AdagradOptimizer => new KerasAdagrad(learningRate, initialAccumulatorValue),
  rmsprop: (learningRate: number, decay = 0.9, momentum = 0, epsilon?: number | null, centered = false): tfc.RMSPropOptimizer =>
    new KerasRMSprop(learningRate, decay, momentum, epsilon ?? 1e-7, centered),
};
// tfjs's `train` is a class of static factories: inherit from it so all of them (and their types) stay.
export const train = Object.assign(Object.create(tfjsTrain) as typeof tfjsTrain, checkpointTools, kerasSteps);
