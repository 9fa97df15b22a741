// The layer catalog's cases: each Keras layer (and each keras.activations function, through
// Activation) built the same way in Python and in TypeScript, with the input shapes it is run on.
import { keras } from "../../lib/index.js";

const L = keras.layers;

export interface CatalogCase {
  /** Unique id, also the file stem in the work directory. */
  id: string;
  /** The Keras class it checks (`type(layer).__name__`). */
  className: string;
  /** The Python constructor after `keras.layers.` (e.g. `Conv1D(3, 2)`). */
  python: string;
  /** The same layer built in TypeScript. */
  build: () => unknown;
  /** Input shapes without the batch axis, one per input. */
  inputs: number[][];
  /**
   * A class checked inside another layer (a cell inside `RNN`): the outer layer's class name and the
   * config key holding it; the config column compares that nested config with Keras's.
   */
  within?: { layer: string; key: string };
  /** Integer inputs in [0, 10) (Embedding). */
  integer?: boolean;
  /** Float inputs are normal(0, 1) times this (image layers working on a 0–255 scale); 1 unless set. */
  scale?: number;
  /** How the layer is called: on one tensor, on a list (merge layers), or on separate arguments (MultiHeadAttention). */
  call?: "single" | "list" | "args";
  /**
   * A layer applied to the case's output in both models (Python constructor after `keras.layers.`, and
   * the TypeScript twin): for layers Keras cannot end a functional model with (Equalization).
   */
  followedBy?: { python: string; build: () => unknown; why: string };
  /**
   * Why this case is expected to fail for now (a known gap someone is fixing); the test fails when
   * such a case passes, so whoever fixes it removes this line.
   */
  expectedFailure?: string;
  /**
   * A variant of the class's main case (return_sequences, masks, call-site keywords…), shown in the
   * variants table and counted under the class: the class passes only when its variants pass too.
   */
  variant?: string;
  /** A layer applied to each input first (Python after `keras.layers.`, and the same in TypeScript): Masking or Embedding(mask_zero=True). */
  pythonPre?: string;
  buildPre?: () => unknown;
  /** Call-site keywords: Python source inside `dict(...)`, and the TypeScript options object. */
  pythonKwargs?: string;
  kwargs?: Record<string, unknown>;
  /** Inputs with padded (all-zero) steps: the last two of sample 0 and the second of sample 1. */
  padded?: boolean;
  /** Both sides run the model with `training=True` (deterministic training behaviour, BatchNormalization's batch statistics). */
  training?: boolean;
}

const unary = (className: string, python: string, build: () => unknown, input: number[], extra: Partial<CatalogCase> = {}): CatalogCase => ({
  id: extra.id ?? className,
  className,
  python,
  build,
  inputs: [input],
  ...extra,
});
const merge = (className: string, python: string, build: () => unknown, inputs: number[][]): CatalogCase => ({
  id: className,
  className,
  python,
  build,
  inputs,
  call: "list",
});

export const layerCases: CatalogCase[] = [
  unary("Dense", "Dense(4)", () => new L.Dense(4), [5]),
  unary("Embedding", "Embedding(10, 4)", () => new L.Embedding(10, 4), [6], { integer: true }),
  unary("Activation", 'Activation("relu")', () => new L.Activation("relu"), [5]),
  unary("Dropout", "Dropout(0.5)", () => new L.Dropout(0.5), [5]),
  unary("Flatten", "Flatten()", () => new L.Flatten(), [3, 2]),
  unary("Reshape", "Reshape((6,))", () => new L.Reshape([6]), [3, 2]),
  unary("BatchNormalization", "BatchNormalization()", () => new L.BatchNormalization(), [4]),
  unary("Identity", "Identity()", () => new L.Identity(), [5]),
  unary("Masking", "Masking()", () => new L.Masking(), [4, 3]),
  unary("EinsumDense", 'EinsumDense("abc,cd->abd", (3, 4), bias_axes="d")', () => new L.EinsumDense("abc,cd->abd", [3, 4], { biasAxes: "d" }), [3, 5]),
  {
    id: "MultiHeadAttention",
    className: "MultiHeadAttention",
    python: "MultiHeadAttention(2, 4)",
    build: () => new L.MultiHeadAttention(2, 4),
    inputs: [
      [5, 8],
      [6, 8],
    ],
    call: "args",
  },
  merge("Add", "Add()", () => new L.Add(), [[4], [4]]),
  merge("Subtract", "Subtract()", () => new L.Subtract(), [[4], [4]]),
  merge("Multiply", "Multiply()", () => new L.Multiply(), [[4], [4]]),
  merge("Average", "Average()", () => new L.Average(), [[4], [4]]),
  merge("Maximum", "Maximum()", () => new L.Maximum(), [[4], [4]]),
  merge("Minimum", "Minimum()", () => new L.Minimum(), [[4], [4]]),
  merge("Concatenate", "Concatenate()", () => new L.Concatenate(), [[3], [4]]),
  merge("Dot", "Dot(axes=1)", () => new L.Dot(1), [[4], [4]]),
  unary("Conv1D", "Conv1D(3, 2)", () => new L.Conv1D(3, 2), [6, 2]),
  unary("Conv2D", "Conv2D(3, 2)", () => new L.Conv2D(3, 2), [5, 5, 2]),
  unary("Conv3D", "Conv3D(2, 2)", () => new L.Conv3D(2, 2), [4, 4, 4, 2]),
  unary("Conv2DTranspose", "Conv2DTranspose(3, 2)", () => new L.Conv2DTranspose(3, 2), [4, 4, 2]),
  unary("Conv3DTranspose", "Conv3DTranspose(2, 2)", () => new L.Conv3DTranspose(2, 2), [3, 3, 3, 2]),
  unary("SeparableConv2D", "SeparableConv2D(3, 2)", () => new L.SeparableConv2D(3, 2), [5, 5, 2]),
  unary("DepthwiseConv2D", "DepthwiseConv2D(2)", () => new L.DepthwiseConv2D(2), [5, 5, 2]),
  unary("MaxPooling1D", "MaxPooling1D()", () => new L.MaxPooling1D(), [6, 2]),
  unary("MaxPooling2D", "MaxPooling2D()", () => new L.MaxPooling2D(), [4, 4, 2]),
  unary("MaxPooling3D", "MaxPooling3D()", () => new L.MaxPooling3D(), [4, 4, 4, 2]),
  unary("AveragePooling1D", "AveragePooling1D(2)", () => new L.AveragePooling1D(2), [6, 2]),
  unary("AveragePooling2D", "AveragePooling2D(2)", () => new L.AveragePooling2D(2), [4, 4, 2]),
  unary("AveragePooling3D", "AveragePooling3D(2)", () => new L.AveragePooling3D(2), [4, 4, 4, 2]),
  unary("GlobalAveragePooling1D", "GlobalAveragePooling1D()", () => new L.GlobalAveragePooling1D(), [5, 3]),
  unary("GlobalMaxPooling1D", "GlobalMaxPooling1D()", () => new L.GlobalMaxPooling1D(), [5, 3]),
  unary("GlobalAveragePooling2D", "GlobalAveragePooling2D()", () => new L.GlobalAveragePooling2D(), [4, 4, 3]),
  unary("GlobalMaxPooling2D", "GlobalMaxPooling2D()", () => new L.GlobalMaxPooling2D(), [4, 4, 3]),
  unary("GlobalAveragePooling3D", "GlobalAveragePooling3D()", () => new L.GlobalAveragePooling3D(), [3, 3, 3, 2]),
  unary("GlobalMaxPooling3D", "GlobalMaxPooling3D()", () => new L.GlobalMaxPooling3D(), [3, 3, 3, 2]),
  merge("Attention", "Attention()", () => new L.Attention(), [
    [4, 3],
    [5, 3],
  ]),
  unary("Rescaling", "Rescaling(0.5, 0.1)", () => new L.Rescaling(0.5, 0.1), [5]),
  unary("LSTM", "LSTM(4)", () => new L.LSTM(4), [5, 3]),
  unary("GRU", "GRU(4)", () => new L.GRU(4), [5, 3]),
  unary("SimpleRNN", "SimpleRNN(4)", () => new L.SimpleRNN(4), [5, 3]),
  unary("Bidirectional", "Bidirectional(keras.layers.LSTM(3))", () => new L.Bidirectional(new L.LSTM(3)), [5, 3]),
  unary("TimeDistributed", "TimeDistributed(keras.layers.Dense(3))", () => new L.TimeDistributed(new L.Dense(3)), [4, 5]),
  unary("ConvLSTM2D", "ConvLSTM2D(2, 2)", () => new L.ConvLSTM2D(2, 2), [3, 4, 4, 1]),
  unary("RepeatVector", "RepeatVector(3)", () => new L.RepeatVector(3), [4]),
  unary("Permute", "Permute((2, 1))", () => new L.Permute([2, 1]), [3, 4]),
  unary("ZeroPadding1D", "ZeroPadding1D()", () => new L.ZeroPadding1D(), [4, 2]),
  unary("ZeroPadding2D", "ZeroPadding2D()", () => new L.ZeroPadding2D(), [3, 3, 2]),
  unary("Cropping1D", "Cropping1D()", () => new L.Cropping1D(), [5, 2]),
  unary(
    "Cropping2D",
    "Cropping2D(((1, 1), (1, 1)))",
    () =>
      new L.Cropping2D([
        [1, 1],
        [1, 1],
      ]),
    [5, 5, 2],
  ),
  unary("UpSampling1D", "UpSampling1D()", () => new L.UpSampling1D(), [3, 2]),
  unary("UpSampling2D", "UpSampling2D()", () => new L.UpSampling2D(), [3, 3, 2]),
  unary("ReLU", "ReLU()", () => new L.ReLU(), [5]),
  unary("LeakyReLU", "LeakyReLU()", () => new L.LeakyReLU(), [5]),
  unary("PReLU", "PReLU()", () => new L.PReLU(), [5]),
  unary("ELU", "ELU()", () => new L.ELU(), [5]),
  unary("Softmax", "Softmax()", () => new L.Softmax(), [5]),
  unary("SpatialDropout1D", "SpatialDropout1D(0.5)", () => new L.SpatialDropout1D(0.5), [4, 3]),
  unary("GaussianNoise", "GaussianNoise(0.1)", () => new L.GaussianNoise(0.1), [5]),
  unary("GaussianDropout", "GaussianDropout(0.5)", () => new L.GaussianDropout(0.5), [5]),
  unary("AlphaDropout", "AlphaDropout(0.5)", () => new L.AlphaDropout(0.5), [5]),
  unary("ActivityRegularization", "ActivityRegularization()", () => new L.ActivityRegularization(), [5]),
  unary("LayerNormalization", "LayerNormalization()", () => new L.LayerNormalization(), [5]),
  unary("UnitNormalization", "UnitNormalization()", () => new L.UnitNormalization(), [5]),
  unary("GroupNormalization", "GroupNormalization(groups=2)", () => new L.GroupNormalization({ groups: 2 }), [4, 4]),
  unary("RMSNormalization", "RMSNormalization()", () => new L.RMSNormalization(), [5]),
  // Written layers of branch layers-a.
  unary("AdaptiveAveragePooling1D", "AdaptiveAveragePooling1D(3)", () => new L.AdaptiveAveragePooling1D(3), [7, 2]),
  unary("AdaptiveAveragePooling2D", "AdaptiveAveragePooling2D((2, 3))", () => new L.AdaptiveAveragePooling2D([2, 3]), [5, 7, 2]),
  unary("AdaptiveAveragePooling3D", "AdaptiveAveragePooling3D(2)", () => new L.AdaptiveAveragePooling3D(2), [5, 4, 3, 2]),
  unary("AdaptiveMaxPooling1D", "AdaptiveMaxPooling1D(3)", () => new L.AdaptiveMaxPooling1D(3), [7, 2]),
  unary("AdaptiveMaxPooling2D", "AdaptiveMaxPooling2D((2, 3))", () => new L.AdaptiveMaxPooling2D([2, 3]), [5, 7, 2]),
  unary("AdaptiveMaxPooling3D", "AdaptiveMaxPooling3D(2)", () => new L.AdaptiveMaxPooling3D(2), [5, 4, 3, 2]),
  unary(
    "Cropping3D",
    "Cropping3D(((1, 0), (0, 1), (1, 1)))",
    () =>
      new L.Cropping3D([
        [1, 0],
        [0, 1],
        [1, 1],
      ]),
    [4, 4, 4, 2],
  ),
  unary("UpSampling3D", "UpSampling3D((2, 1, 3))", () => new L.UpSampling3D([2, 1, 3]), [2, 3, 2, 2]),
  unary(
    "ZeroPadding3D",
    "ZeroPadding3D(((1, 0), (0, 2), (1, 1)))",
    () =>
      new L.ZeroPadding3D([
        [1, 0],
        [0, 2],
        [1, 1],
      ]),
    [2, 2, 2, 2],
  ),
  unary("SpatialDropout2D", "SpatialDropout2D(0.5)", () => new L.SpatialDropout2D(0.5), [3, 3, 2]),
  unary("SpatialDropout3D", "SpatialDropout3D(0.5)", () => new L.SpatialDropout3D(0.5), [3, 3, 3, 2]),
  unary("Conv1DTranspose", "Conv1DTranspose(3, 3, strides=2)", () => new L.Conv1DTranspose(3, 3, { strides: 2 }), [5, 2]),
  unary("SeparableConv1D", "SeparableConv1D(3, 2, depth_multiplier=2)", () => new L.SeparableConv1D(3, 2, { depthMultiplier: 2 }), [6, 2]),
  unary("DepthwiseConv1D", "DepthwiseConv1D(2, depth_multiplier=2)", () => new L.DepthwiseConv1D(2, { depthMultiplier: 2 }), [6, 2]),
  unary("CenterCrop", "CenterCrop(3, 2)", () => new L.CenterCrop(3, 2), [5, 5, 2]),
  unary("Resizing", "Resizing(3, 4)", () => new L.Resizing(3, 4), [5, 6, 2]),
  unary("CategoryEncoding", "CategoryEncoding(num_tokens=10)", () => new L.CategoryEncoding({ numTokens: 10 }), [6], { integer: true }),
  unary(
    "Discretization",
    'Discretization(bin_boundaries=[-0.5, 0.0, 0.5], output_mode="one_hot")',
    () => new L.Discretization({ binBoundaries: [-0.5, 0, 0.5], outputMode: "one_hot" }),
    [5],
  ),
  unary("Normalization", "Normalization()", () => new L.Normalization(), [3]),
  unary("Solarization", "Solarization()", () => new L.Solarization(), [4, 4, 3]),
  unary("AutoContrast", "AutoContrast()", () => new L.AutoContrast(), [4, 4, 3]),
  // Keras 3.15 cannot end a functional model (or a Sequential) with Equalization: its compute_output_spec returns the
  // input tensor itself, "part of a cycle". An Identity after it makes the model Keras can build, save and load.
  unary("Equalization", "Equalization()", () => new L.Equalization(), [4, 4, 3], {
    scale: 100,
    followedBy: {
      python: "Identity()",
      build: () => new L.Identity(),
      why: "Keras 3.15 cannot end a model with Equalization (its output is its input tensor, 'part of a cycle')",
    },
  }),
  unary(
    "ContrastLimitedAdaptiveHistogramEqualization",
    "ContrastLimitedAdaptiveHistogramEqualization(clip_limit=2.0, tile_grid_size=(2, 3))",
    () => new L.ContrastLimitedAdaptiveHistogramEqualization({ clipLimit: 2, tileGridSize: [2, 3] }),
    [7, 8, 2],
    { scale: 100 },
  ),
  unary("MaxNumBoundingBoxes", "MaxNumBoundingBoxes(3)", () => new L.MaxNumBoundingBoxes(3), [4, 4, 3]),
  // Issue #22's second share: recurrent cells (run by RNN), attention variants, audio and wrappers.
  ...secondShareCases(),
  ...variantCases(),
];

/**
 * Issue #22's variants of classes above: RNN return_sequences / return_state / go_backwards, masked
 * inputs (Masking or Embedding(mask_zero=True) in front, some steps padded), attention masks and
 * use_causal_mask, and deterministic training=True behaviour.
 */
function variantCases(): CatalogCase[] {
  // Keras masks attention scores with the value's mask and zeroes padded query steps; tskeras's graph
  // executor (tfjs's) hands a multi-input layer only its first input's mask, and the attention layers do not read masks yet.
  const attentionMaskGap =
    "propagated query/value masks: tfjs's graph executor passes a multi-input layer only its first input's mask, and tskeras's attention layers ignore masks";
  const masked = { pythonPre: "Masking()", buildPre: () => new L.Masking(), padded: true };
  const variant = (className: string, id: string, name: string, python: string, build: () => unknown, input: number[], extra: Partial<CatalogCase> = {}) =>
    unary(className, python, build, input, { id, variant: name, ...extra });
  const recurrent = (className: "SimpleRNN" | "LSTM" | "GRU") => {
    const make = (options: Record<string, unknown>) => () => new (L[className] as new (units: number, options: Record<string, unknown>) => unknown)(4, options);
    return [
      variant(className, `${className}_sequences`, "return_sequences=True", `${className}(4, return_sequences=True)`, make({ returnSequences: true }), [5, 3]),
      variant(
        className,
        `${className}_state`,
        "return_sequences=True, return_state=True",
        `${className}(4, return_sequences=True, return_state=True)`,
        make({ returnSequences: true, returnState: true }),
        [5, 3],
      ),
      variant(className, `${className}_backwards`, "go_backwards=True", `${className}(4, go_backwards=True)`, make({ goBackwards: true }), [5, 3]),
      variant(className, `${className}_masked`, "Masking in front", `${className}(4)`, make({}), [5, 3], masked),
      variant(
        className,
        `${className}_masked_sequences`,
        "Masking in front, return_sequences=True",
        `${className}(4, return_sequences=True)`,
        make({ returnSequences: true }),
        [5, 3],
        masked,
      ),
      variant(className, `${className}_embedding_mask`, "Embedding(mask_zero=True) in front", `${className}(4)`, make({}), [6], {
        pythonPre: "Embedding(10, 3, mask_zero=True)",
        buildPre: () => new L.Embedding(10, 3, { maskZero: true }),
        integer: true,
        padded: true,
      }),
    ];
  };
  const attentionInputs = [
    [4, 3],
    [5, 3],
  ];
  const selfAttentionInputs = [
    [5, 8],
    [5, 8],
  ];
  return [
    ...recurrent("SimpleRNN"),
    ...recurrent("LSTM"),
    ...recurrent("GRU"),
    variant(
      "RNN",
      "RNN_state",
      "LSTMCell, return_sequences=True, return_state=True",
      "RNN(keras.layers.LSTMCell(4), return_sequences=True, return_state=True)",
      () => new L.RNN(new L.LSTMCell(4), { returnSequences: true, returnState: true }),
      [5, 3],
    ),
    variant(
      "RNN",
      "RNN_masked",
      "GRUCell, Masking in front, go_backwards=True",
      "RNN(keras.layers.GRUCell(4), go_backwards=True)",
      () => new L.RNN(new L.GRUCell(4), { goBackwards: true }),
      [5, 3],
      masked,
    ),
    variant(
      "Bidirectional",
      "Bidirectional_sequences",
      "GRU, return_sequences=True",
      "Bidirectional(keras.layers.GRU(3, return_sequences=True))",
      () => new L.Bidirectional(new L.GRU(3, { returnSequences: true })),
      [5, 3],
    ),
    variant(
      "Bidirectional",
      "Bidirectional_masked",
      "SimpleRNN, Masking in front",
      "Bidirectional(keras.layers.SimpleRNN(3))",
      () => new L.Bidirectional(new L.SimpleRNN(3)),
      [5, 3],
      masked,
    ),
    variant(
      "ConvLSTM1D",
      "ConvLSTM1D_sequences",
      "return_sequences=True, go_backwards=True",
      "ConvLSTM1D(2, 2, return_sequences=True, go_backwards=True)",
      () => new L.ConvLSTM1D(2, 2, { returnSequences: true, goBackwards: true }),
      [3, 5, 1],
    ),
    variant(
      "ConvLSTM2D",
      "ConvLSTM2D_state",
      "return_state=True",
      "ConvLSTM2D(2, 2, return_state=True)",
      () => new L.ConvLSTM2D(2, 2, { returnState: true }),
      [3, 4, 4, 1],
    ),
    variant(
      "ConvLSTM3D",
      "ConvLSTM3D_sequences",
      "return_sequences=True",
      "ConvLSTM3D(2, 2, return_sequences=True)",
      () => new L.ConvLSTM3D(2, 2, { returnSequences: true }),
      [3, 3, 3, 3, 1],
    ),
    {
      ...merge(
        "Attention",
        "Attention()",
        () => new L.Attention(),
        selfAttentionInputs.map(([, size]) => [5, size!]),
      ),
      id: "Attention_causal",
      variant: "use_causal_mask=True",
      pythonKwargs: "use_causal_mask=True",
      kwargs: { useCausalMask: true },
    },
    {
      ...merge("Attention", "Attention()", () => new L.Attention(), attentionInputs),
      id: "Attention_masked",
      variant: "Masking in front of query and value",
      expectedFailure: attentionMaskGap,
      ...masked,
    },
    {
      ...merge("AdditiveAttention", "AdditiveAttention()", () => new L.AdditiveAttention(), attentionInputs),
      id: "AdditiveAttention_masked",
      variant: "Masking in front of query and value",
      expectedFailure: attentionMaskGap,
      ...masked,
    },
    {
      id: "MultiHeadAttention_causal",
      className: "MultiHeadAttention",
      variant: "use_causal_mask=True",
      python: "MultiHeadAttention(2, 4)",
      build: () => new L.MultiHeadAttention(2, 4),
      inputs: selfAttentionInputs,
      call: "args",
      pythonKwargs: "use_causal_mask=True",
      kwargs: { useCausalMask: true },
    },
    {
      id: "MultiHeadAttention_masked",
      className: "MultiHeadAttention",
      variant: "Masking in front of query and value",
      expectedFailure: attentionMaskGap,
      python: "MultiHeadAttention(2, 4)",
      build: () => new L.MultiHeadAttention(2, 4),
      inputs: [
        [5, 8],
        [6, 8],
      ],
      call: "args",
      ...masked,
    },
    {
      id: "GroupQueryAttention_causal",
      className: "GroupedQueryAttention",
      variant: "use_causal_mask=True",
      python: "GroupQueryAttention(4, 4, 2)",
      build: () => new L.GroupQueryAttention(4, 4, 2),
      inputs: selfAttentionInputs,
      call: "args",
      pythonKwargs: "use_causal_mask=True",
      kwargs: { useCausalMask: true },
    },
    {
      id: "GroupQueryAttention_masked",
      className: "GroupedQueryAttention",
      variant: "Masking in front of query and value",
      expectedFailure: attentionMaskGap,
      python: "GroupQueryAttention(4, 4, 2)",
      build: () => new L.GroupQueryAttention(4, 4, 2),
      inputs: [
        [5, 8],
        [6, 8],
      ],
      call: "args",
      ...masked,
    },
    variant(
      "GlobalAveragePooling1D",
      "GlobalAveragePooling1D_masked",
      "Masking in front",
      "GlobalAveragePooling1D()",
      () => new L.GlobalAveragePooling1D(),
      [5, 3],
      masked,
    ),
    variant("GlobalMaxPooling1D", "GlobalMaxPooling1D_masked", "Masking in front", "GlobalMaxPooling1D()", () => new L.GlobalMaxPooling1D(), [5, 3], masked),
    {
      ...merge("Add", "Add()", () => new L.Add(), [
        [5, 3],
        [5, 3],
      ]),
      id: "Add_masked",
      variant: "Masking in front (output mask)",
      ...masked,
    },
    {
      ...merge("Concatenate", "Concatenate()", () => new L.Concatenate(), [
        [5, 3],
        [5, 2],
      ]),
      id: "Concatenate_masked",
      variant: "Masking in front (output mask)",
      ...masked,
    },
    variant(
      "STFTSpectrogram",
      "STFTSpectrogram_psd",
      'mode="psd", hamming, periodic, expand_dims',
      'STFTSpectrogram(mode="psd", frame_length=12, frame_step=5, fft_length=16, window="hamming", periodic=True, scaling="spectrum", expand_dims=True)',
      () =>
        new L.STFTSpectrogram({
          mode: "psd",
          frameLength: 12,
          frameStep: 5,
          fftLength: 16,
          window: "hamming",
          periodic: true,
          scaling: "spectrum",
          expandDims: true,
        }),
      [30, 2],
    ),
    variant(
      "STFTSpectrogram",
      "STFTSpectrogram_stft",
      'mode="stft", window=None, scaling=None',
      'STFTSpectrogram(mode="stft", frame_length=8, window=None, scaling=None)',
      () => new L.STFTSpectrogram({ mode: "stft", frameLength: 8, window: null, scaling: null }),
      [20, 1],
    ),
    variant(
      "MelSpectrogram",
      "MelSpectrogram_power",
      "power_to_db=False, hamming, mag_exp=1",
      'MelSpectrogram(fft_length=16, sequence_stride=4, window="hamming", sampling_rate=1000, num_mel_bins=5, power_to_db=False, mag_exp=1.0)',
      () => new L.MelSpectrogram({ fftLength: 16, sequenceStride: 4, window: "hamming", samplingRate: 1000, numMelBins: 5, powerToDb: false, magExp: 1 }),
      [40],
    ),
    variant(
      "BatchNormalization",
      "BatchNormalization_training",
      "training=True (batch statistics)",
      "BatchNormalization()",
      () => new L.BatchNormalization(),
      [4],
      { training: true },
    ),
    variant("LayerNormalization", "LayerNormalization_masked", "Masking in front", "LayerNormalization()", () => new L.LayerNormalization(), [5, 3], masked),
    variant("Dense", "Dense_masked", "Masking in front", "Dense(4)", () => new L.Dense(4), [5, 3], masked),
    variant(
      "TimeDistributed",
      "TimeDistributed_masked",
      "Masking in front",
      "TimeDistributed(keras.layers.Dense(3))",
      () => new L.TimeDistributed(new L.Dense(3)),
      [4, 5],
      masked,
    ),
  ];
}

/** Cases of the recurrent cells, attention variants, audio layers and wrappers (kept together to merge simply). */
function secondShareCases(): CatalogCase[] {
  const inRnn = { layer: "RNN", key: "cell" };
  return [
    unary("RNN", "RNN(keras.layers.SimpleRNNCell(4))", () => new L.RNN(new L.SimpleRNNCell(4)), [5, 3]),
    unary("SimpleRNNCell", "RNN(keras.layers.SimpleRNNCell(4))", () => new L.RNN(new L.SimpleRNNCell(4)), [5, 3], { within: inRnn }),
    unary("LSTMCell", "RNN(keras.layers.LSTMCell(4))", () => new L.RNN(new L.LSTMCell(4)), [5, 3], { within: inRnn }),
    unary("GRUCell", "RNN(keras.layers.GRUCell(4))", () => new L.RNN(new L.GRUCell(4)), [5, 3], { within: inRnn }),
    unary(
      "StackedRNNCells",
      "RNN(keras.layers.StackedRNNCells([keras.layers.SimpleRNNCell(3), keras.layers.LSTMCell(4)]))",
      () => new L.RNN(new L.StackedRNNCells([new L.SimpleRNNCell(3), new L.LSTMCell(4)])),
      [5, 3],
      { within: inRnn },
    ),
    unary("ConvLSTM1D", "ConvLSTM1D(2, 2)", () => new L.ConvLSTM1D(2, 2), [3, 5, 1]),
    unary("ConvLSTM3D", "ConvLSTM3D(2, 2)", () => new L.ConvLSTM3D(2, 2), [3, 3, 3, 3, 1]),
    merge("AdditiveAttention", "AdditiveAttention()", () => new L.AdditiveAttention(), [
      [4, 3],
      [5, 3],
    ]),
    {
      id: "GroupQueryAttention",
      className: "GroupedQueryAttention",
      python: "GroupQueryAttention(4, 4, 2)",
      build: () => new L.GroupQueryAttention(4, 4, 2),
      inputs: [
        [5, 8],
        [6, 8],
      ],
      call: "args",
    },
    unary(
      "MelSpectrogram",
      "MelSpectrogram(fft_length=32, sequence_stride=8, sequence_length=24, sampling_rate=800, num_mel_bins=6, top_db=20.0)",
      () => new L.MelSpectrogram({ fftLength: 32, sequenceStride: 8, sequenceLength: 24, samplingRate: 800, numMelBins: 6, topDb: 20 }),
      [64],
    ),
    unary(
      "STFTSpectrogram",
      'STFTSpectrogram(frame_length=16, frame_step=4, padding="same")',
      () => new L.STFTSpectrogram({ frameLength: 16, frameStep: 4, padding: "same" }),
      [40, 2],
    ),
    unary("ReversibleEmbedding", "ReversibleEmbedding(10, 4)", () => new L.ReversibleEmbedding(10, 4), [6], { integer: true }),
    unary("SpectralNormalization", "SpectralNormalization(keras.layers.Dense(4))", () => new L.SpectralNormalization(new L.Dense(4)), [5]),
  ];
}

/** keras.activations functions usable by name in `Activation(name)`; the others need arguments. */
export const activationsNeedingArguments = new Set(["threshold", "deserialize", "serialize", "get"]);

/** Activations known not to match Keras yet, and why. */
const activationGaps: Record<string, string> = {};

/** One case per activation name, through `Activation(name)`. */
export function activationCases(names: string[]): CatalogCase[] {
  return names
    .filter((name) => !activationsNeedingArguments.has(name))
    .map((name) =>
      unary("Activation", `Activation("${name}")`, () => new L.Activation(name as never), [6], {
        id: `activation_${name}`,
        ...(activationGaps[name] ? { expectedFailure: activationGaps[name] } : {}),
      }),
    );
}

/**
 * Out of scope (README says so): preprocessing layers holding vocabularies, hash tables or random
 * augmentation state, backend-specific wrappers, Python code (Lambda), and the abstract bases.
 */
export const outOfScope: Record<string, string> = {
  TextVectorization: "string vocabulary",
  StringLookup: "string vocabulary",
  IntegerLookup: "vocabulary",
  Hashing: "hashing preprocessing",
  HashedCrossing: "hashing preprocessing",
  TorchModuleWrapper: "backend wrapper",
  JaxLayer: "backend wrapper",
  FlaxLayer: "backend wrapper",
  TFSMLayer: "backend wrapper (optional)",
  Lambda: "Python code",
  Layer: "the base class (tested by custom-layer tests)",
  Wrapper: "abstract base",
  InputSpec: "not a layer",
  InputLayer: "the model input (tested by every case)",
  Pipeline: "preprocessing pipeline",
};

/** Random augmentation layers (identity at inference) are out of scope too. */
export function isOutOfScope(name: string): string | undefined {
  if (outOfScope[name]) return outOfScope[name];
  if (/^Random/.test(name) || ["AugMix", "CutMix", "MixUp", "RandAugment"].includes(name)) return "random augmentation";
  return undefined;
}
