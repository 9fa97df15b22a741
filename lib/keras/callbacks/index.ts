// The `keras.callbacks` namespace. Training imports callback.ts and history.ts directly, never this barrel.
export { Callback, type Logs } from "./callback.js";
export { History, PlotCallback } from "./history.js";
export { ModelCheckpoint, type ModelCheckpointOptions } from "./model-checkpoint.js";
