/**
 * Keras's GRU with `reset_after=True`, its default since Keras 2.3 (and the cuDNN-compatible form):
 * the reset gate multiplies the recurrent product after it, `r * (h·U_h + b_rh)`, and the bias holds
 * separate input and recurrent rows, shape [2, 3·units]. tfjs-layers implements only
 * `reset_after=False` and refuses the flag, so every GRU Keras wrote failed to load. These classes
 * replace tfjs's `GRU`/`GRUCell` registrations (same names, so files and `fromConfig` find them) and
 * keep tfjs's computation for `reset_after=False`.
 *
 * Gate order in the kernels is Keras's: update (z), reset (r), candidate (h).
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

type Registered = new (args: Record<string, unknown>) => tfl.layers.Layer;
const registry = tfc.serialization.SerializationMap.getMap().classNameMap;
const registered = (name: string): Registered => {
  const entry = registry[name];
  if (!entry) throw new Error(`tfjs-layers has no registered class "${name}"; is @tensorflow/tfjs-layers 4.22 installed?`);
  return entry[0] as unknown as Registered;
};
const TfjsGRUCell = registered("GRUCell");
const TfjsGRU = registered("GRU");

/** The fields of tfjs's GRUCell this class reads (tfjs declares them; its bundle exports no types). */
interface GRUCellFields {
  units: number;
  useBias: boolean;
  dropout: number;
  recurrentDropout: number;
  activation: { apply(x: tfc.Tensor): tfc.Tensor };
  recurrentActivation: { apply(x: tfc.Tensor): tfc.Tensor };
  kernelInitializer: unknown;
  recurrentInitializer: unknown;
  biasInitializer: unknown;
  kernelRegularizer: unknown;
  recurrentRegularizer: unknown;
  biasRegularizer: unknown;
  kernelConstraint: unknown;
  recurrentConstraint: unknown;
  biasConstraint: unknown;
  kernel: tfl.LayerVariable;
  recurrentKernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
  dropoutMask: tfc.Tensor[] | null;
  recurrentDropoutMask: tfc.Tensor[] | null;
  built: boolean;
  addWeight(name: string, shape: number[], dtype: null, initializer: unknown, regularizer: unknown, trainable: boolean, constraint: unknown): tfl.LayerVariable;
}

/** Python `keras.layers.GRUCell`: tfjs's cell plus `resetAfter` (default true, as in Keras). */
export class GRUCell extends TfjsGRUCell {
  static className = "GRUCell";
  readonly resetAfter: boolean;

  constructor(args: Record<string, unknown>) {
    // tfjs's constructor refuses resetAfter; it is handled here.
    super({ ...args, resetAfter: false });
    this.resetAfter = (args["resetAfter"] as boolean | undefined) ?? true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    if (!this.resetAfter) {
      super.build(inputShape);
      return;
    }
    const cell = this as unknown as GRUCellFields;
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inputDim = shape[shape.length - 1] as number;
    cell.kernel = cell.addWeight("kernel", [inputDim, cell.units * 3], null, cell.kernelInitializer, cell.kernelRegularizer, true, cell.kernelConstraint);
    cell.recurrentKernel = cell.addWeight(
      "recurrent_kernel",
      [cell.units, cell.units * 3],
      null,
      cell.recurrentInitializer,
      cell.recurrentRegularizer,
      true,
      cell.recurrentConstraint,
    );
    // Keras: one row of input biases and one of recurrent biases.
    cell.bias = cell.useBias ? cell.addWeight("bias", [2, cell.units * 3], null, cell.biasInitializer, cell.biasRegularizer, true, cell.biasConstraint) : null;
    cell.built = true;
  }

  override call(inputs: tfc.Tensor | tfc.Tensor[], kwargs: Record<string, unknown>): tfc.Tensor | tfc.Tensor[] {
    if (!this.resetAfter) return super.call(inputs, kwargs);
    const cell = this as unknown as GRUCellFields;
    return tfc.tidy(() => {
      const [x, previous] = inputs as tfc.Tensor[];
      const training = kwargs["training"] === true;
      // One dropout mask per gate, drawn once per sequence (GRU.call clears them), as Keras does.
      if (training && cell.dropout > 0 && cell.dropoutMask === null) cell.dropoutMask = masks(x!, cell.dropout);
      if (training && cell.recurrentDropout > 0 && cell.recurrentDropoutMask === null) cell.recurrentDropoutMask = masks(previous!, cell.recurrentDropout);
      const inputFor = (gate: number) => (training && cell.dropoutMask ? tfc.mul(x!, cell.dropoutMask[gate]!) : x!);
      const stateFor = (gate: number) => (training && cell.recurrentDropoutMask ? tfc.mul(previous!, cell.recurrentDropoutMask[gate]!) : previous!);
      const [kernelZ, kernelR, kernelH] = tfc.split(cell.kernel.read(), 3, 1);
      const [recurrentZ, recurrentR, recurrentH] = tfc.split(cell.recurrentKernel.read(), 3, 1);
      let inputBias: tfc.Tensor[] | undefined;
      let recurrentBias: tfc.Tensor[] | undefined;
      if (cell.bias) {
        const [inputRow, recurrentRow] = tfc.unstack(cell.bias.read(), 0);
        inputBias = tfc.split(inputRow!, 3, 0);
        recurrentBias = tfc.split(recurrentRow!, 3, 0);
      }
      const withBias = (value: tfc.Tensor, bias: tfc.Tensor[] | undefined, gate: number) => (bias ? tfc.add(value, bias[gate]!) : value);
      const xZ = withBias(tfc.matMul(inputFor(0), kernelZ!), inputBias, 0);
      const xR = withBias(tfc.matMul(inputFor(1), kernelR!), inputBias, 1);
      const xH = withBias(tfc.matMul(inputFor(2), kernelH!), inputBias, 2);
      const hZ = withBias(tfc.matMul(stateFor(0), recurrentZ!), recurrentBias, 0);
      const hR = withBias(tfc.matMul(stateFor(1), recurrentR!), recurrentBias, 1);
      const hH = withBias(tfc.matMul(stateFor(2), recurrentH!), recurrentBias, 2);
      const z = cell.recurrentActivation.apply(tfc.add(xZ, hZ));
      const r = cell.recurrentActivation.apply(tfc.add(xR, hR));
      const candidate = cell.activation.apply(tfc.add(xH, tfc.mul(r, hH)));
      const h = tfc.add(tfc.mul(z, previous!), tfc.mul(tfc.sub(1, z), candidate));
      return [h, h];
    });
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }
}

function masks(like: tfc.Tensor, rate: number): tfc.Tensor[] {
  return [0, 1, 2].map(() => tfc.keep(tfc.dropout(tfc.onesLike(like), rate)));
}

/** Python `keras.layers.GRU` (tfjs's recurrent layer around {@link GRUCell}). */
export class GRU extends TfjsGRU {
  static className = "GRU";

  constructor(args: Record<string, unknown>) {
    super({ ...args, resetAfter: false });
    // tfjs's constructor made its own cell; the layer has no weights yet, so it is swapped before build.
    (this as unknown as { cell: tfl.layers.Layer }).cell = new GRUCell(args) as unknown as tfl.layers.Layer;
  }
}

tfc.serialization.registerClass(GRUCell as unknown as tfc.serialization.SerializableConstructor<tfc.serialization.Serializable>);
tfc.serialization.registerClass(GRU as unknown as tfc.serialization.SerializableConstructor<tfc.serialization.Serializable>);
