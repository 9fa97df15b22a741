/**
 * Keras's defaults where tfjs-layers picked others. A layer built in TypeScript from the Keras docs
 * must be the layer Python builds: Keras initializes kernels with glorot_uniform (tfjs: glorot
 * normal), and its LSTM/GRU gates use sigmoid (tfjs: hard sigmoid) with GRU's reset_after=True (the
 * Keras default since 2.3). Only options the caller left out are filled; files always spell every
 * option, so loading is unaffected.
 *
 * @example
 * withKerasDefaults("LSTM", { units: 4 }); // { units: 4, kernelInitializer: "glorotUniform", recurrentActivation: "sigmoid", ... }
 */

/** Options (tfjs spelling) and Keras's default for them, per class. */
const kernelDefaults = { kernelInitializer: "glorotUniform" };
const recurrentDefaults = { ...kernelDefaults, recurrentActivation: "sigmoid" };
const defaultsByClass: Record<string, Record<string, unknown>> = {
  Dense: kernelDefaults,
  Conv1D: kernelDefaults,
  Conv2D: kernelDefaults,
  Conv3D: kernelDefaults,
  Conv2DTranspose: kernelDefaults,
  Conv3DTranspose: kernelDefaults,
  SimpleRNN: kernelDefaults,
  LSTM: { ...recurrentDefaults, unitForgetBias: true },
  GRU: { ...recurrentDefaults, resetAfter: true },
  ConvLSTM2D: { ...recurrentDefaults, unitForgetBias: true },
  // tfjs leaves maskZero undefined (written as null); Keras's default is False.
  Embedding: { maskZero: false },
};

/** The options with Keras's defaults for those left undefined (a copy; the input is not changed). */
export function withKerasDefaults<Args>(className: string, args: Args): Args {
  const defaults = defaultsByClass[className];
  if (defaults === undefined || args === null || typeof args !== "object") return args;
  const result: Record<string, unknown> = { ...(args as Record<string, unknown>) };
  for (const [key, value] of Object.entries(defaults)) if (result[key] === undefined) result[key] = value;
  return result as Args;
}
