import { train as tfjsTrain } from "@tensorflow/tfjs-core";
import { latestCheckpoint, listVariables, loadCheckpoint } from "../formats/checkpoint/index.js";
import { Checkpoint, CheckpointManager } from "../keras/saving/train-checkpoint.js";

/**
 * `tf.train`: TensorFlow.js's optimizers (`tf.train.adam()`, …) plus TensorFlow's checkpoint tools.
 * @example
 * tf.train.latestCheckpoint("training_2");                                   // "…/training_2/cp-0050.ckpt"
 * tf.train.loadCheckpoint("training_1/cp.ckpt").getVariableToDtypeMap();     // { "layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE": "float32", … }
 * tf.train.listVariables("training_1/cp.ckpt");                              // [[key, shape], …]
 * await new tf.train.Checkpoint({ model, optimizer }).save("ckpts/ckpt");     // "ckpts/ckpt-1"
 */
const checkpointTools = { loadCheckpoint, listVariables, latestCheckpoint, Checkpoint, CheckpointManager };
// tfjs's `train` is a class of static factories: inherit from it so all of them (and their types) stay.
export const train = Object.assign(Object.create(tfjsTrain) as typeof tfjsTrain, checkpointTools);
