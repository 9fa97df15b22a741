/**
 * Keras's recurrent cells, `keras.layers.SimpleRNNCell`, `LSTMCell`, `GRUCell` and `StackedRNNCells`:
 * one time step each, run over a sequence by `RNN(cell)` (or `RNN([cell, cell])`, a stack). Backed by
 * tfjs-layers' cells (GRUCell by ./gru.ts, which adds Keras's default `reset_after=True`), with
 * Keras's defaults (glorot_uniform kernels, sigmoid gates, LSTM's unit forget bias: the defaults below).
 * In `.keras` files their variables are the RNN's `cell/vars/…` (a stack's `cell/cells/<cell>/vars/…`).
 *
 * @example
 * const rnn = new keras.layers.RNN(new keras.layers.LSTMCell(8), { returnSequences: true });
 * const stacked = new keras.layers.RNN(new keras.layers.StackedRNNCells([new keras.layers.GRUCell(8), new keras.layers.GRUCell(4)]));
 */
import type {
  GRUCell as TfGRUCell,
  GRUCellLayerArgs,
  LSTMCell as TfLSTMCell,
  LSTMCellLayerArgs,
  RNNCell,
  SimpleRNNCell as TfSimpleRNNCell,
  SimpleRNNCellLayerArgs,
  StackedRNNCells as TfStackedRNNCells,
  StackedRNNCellsArgs,
} from "@tensorflow/tfjs-layers/dist/layers/recurrent.js";
import type { WithActivationFunctions } from "./function-activation.js";
import { kerasLayerClass } from "./keras-layer-class.js";
// GRUCell's registration (with reset_after) must be in place before the class below is looked up.
import "./gru.js";

// Keras's defaults where tfjs-layers picked others (glorot_uniform kernels, sigmoid gates).
const kernelDefaults = { kernelInitializer: "glorotUniform" };
const recurrentDefaults = { ...kernelDefaults, recurrentActivation: "sigmoid" };

/** Python `SimpleRNNCell(units, **kwargs)`. */
export const SimpleRNNCell = kerasLayerClass<typeof TfSimpleRNNCell, WithActivationFunctions<SimpleRNNCellLayerArgs>, [units: number]>(
  "SimpleRNNCell",
  ["units"],
  kernelDefaults,
  ["units"],
);
export type SimpleRNNCell = InstanceType<typeof SimpleRNNCell>;
/** Python `LSTMCell(units, **kwargs)`. */
export const LSTMCell = kerasLayerClass<typeof TfLSTMCell, WithActivationFunctions<LSTMCellLayerArgs>, [units: number]>(
  "LSTMCell",
  ["units"],
  { ...recurrentDefaults, unitForgetBias: true },
  ["units"],
);
export type LSTMCell = InstanceType<typeof LSTMCell>;
/** Python `GRUCell(units, **kwargs)`; `resetAfter` defaults to true, as in Keras. */
export const GRUCell = kerasLayerClass<typeof TfGRUCell, WithActivationFunctions<GRUCellLayerArgs> & { resetAfter?: boolean }, [units: number]>(
  "GRUCell",
  ["units"],
  { ...recurrentDefaults, resetAfter: true },
  ["units"],
);
export type GRUCell = InstanceType<typeof GRUCell>;
/** Python `StackedRNNCells(cells, **kwargs)`: the cells run one after another at each step. */
export const StackedRNNCells = kerasLayerClass<typeof TfStackedRNNCells, StackedRNNCellsArgs, [cells: RNNCell[]]>("StackedRNNCells", ["cells"], {}, ["cells"]);
export type StackedRNNCells = InstanceType<typeof StackedRNNCells>;
