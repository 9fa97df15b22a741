import type * as tfl from "@tensorflow/tfjs-layers";
import { loadCheckpoint } from "../../../formats/checkpoint/reader.js";
import { restoreCheckpoint, writeCheckpoint, type CheckpointLoadStatus } from "../../../tf/tracking/checkpoint.js";
import { modelTrackables } from "../trackables.js";

/**
 * `model.saveWeights(prefix)` in TensorFlow's checkpoint format, with tf.keras 2's object names
 * (`layer_with_weights-0/kernel`, `optimizer/iter`, `.OPTIMIZER_SLOT/optimizer/m`), so Python's
 * `model.load_weights(prefix)` and `tf.train.load_checkpoint(prefix)` read it.
 * @example
 * saveModelCheckpoint(model, "training_1/cp.ckpt");
 */
export function saveModelCheckpoint(model: tfl.LayersModel, prefix: string): void {
  writeCheckpoint(modelTrackables(model).root, prefix);
}

/**
 * `model.loadWeights(prefix)` from a TensorFlow checkpoint (written by tskeras or by tf.keras):
 * layer weights and, when the model is compiled, the optimizer's iteration count and slots.
 * Accepts a prefix or a folder with a `checkpoint` state file.
 */
export function loadModelCheckpoint(model: tfl.LayersModel, path: string): Promise<CheckpointLoadStatus> {
  return restoreCheckpoint(modelTrackables(model, { forRestore: true }).root, loadCheckpoint(path));
}
