/**
 * Keras's audio layers. `STFTSpectrogram` computes a short-time Fourier transform as a strided 1-D
 * convolution with (trainable) cosine and sine kernels, Keras's formulation, so a spectrogram front
 * end can be fine-tuned. `MelSpectrogram` frames the signal (centred, reflect-padded), windows each
 * frame, takes the power spectrum, maps it onto mel bands and converts to decibels; its Fourier
 * transform is a matrix product with the DFT's cosine and sine tables (differentiable, and exact
 * for the frame lengths audio front ends use).
 *
 * @example
 * const mel = new keras.layers.MelSpectrogram({ fftLength: 512, sequenceStride: 128, numMelBins: 40, samplingRate: 16000 });
 * mel.apply(audio); // [batch, samples] → [batch, 40, frames]
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type { Variable } from "../../tf/variable.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

/** Keras's `backend.epsilon()`. */
const epsilon = 1e-7;

type WindowSpec = "hann" | "hamming" | number[] | null;

/** scipy's `get_window(name, length, fftbins=periodic)` for Keras's two named windows, or the given values. */
function windowValues(window: WindowSpec, length: number, periodic: boolean): number[] | null {
  if (window === null) return null;
  if (Array.isArray(window)) {
    if (window.length !== length) throw new Error(`The window has ${window.length} values; it must have the frame length, ${length}.`);
    return window;
  }
  const [a0, a1] = window === "hann" ? [0.5, 0.5] : window === "hamming" ? [0.54, 0.46] : [Number.NaN, Number.NaN];
  if (Number.isNaN(a0)) throw new Error(`Unknown window "${String(window)}": use "hann", "hamming", an array of frame-length values, or null.`);
  if (length === 1) return [1];
  const period = periodic ? length : length - 1;
  return Array.from({ length }, (_unused, n) => a0 - a1 * Math.cos((2 * Math.PI * n) / period));
}

export interface STFTSpectrogramArgs extends LayerArgs {
  mode?: "log" | "magnitude" | "psd" | "real" | "imag" | "angle" | "stft";
  frameLength?: number;
  /** Default `frameLength / 2` (rounded down). */
  frameStep?: number | null;
  /** Default: the smallest power of two ≥ frameLength. */
  fftLength?: number | null;
  window?: WindowSpec;
  periodic?: boolean;
  scaling?: "density" | "spectrum" | null;
  padding?: "valid" | "same";
  expandDims?: boolean;
  dataFormat?: "channels_last" | "channels_first";
}

const stftModes = ["log", "magnitude", "psd", "real", "imag", "angle", "stft"];

/** Python `STFTSpectrogram(mode="log", frame_length=256, frame_step=None, fft_length=None, window="hann", periodic=False, scaling="density", padding="valid", expand_dims=False, data_format=None)`. */
export class STFTSpectrogram extends Layer {
  static readonly className = "STFTSpectrogram";
  readonly mode: NonNullable<STFTSpectrogramArgs["mode"]>;
  readonly frameLength: number;
  readonly frameStep: number | null;
  readonly fftLength: number | null;
  readonly window: WindowSpec;
  readonly periodic: boolean;
  readonly scaling: "density" | "spectrum" | null;
  readonly padding: "valid" | "same";
  readonly expandDims: boolean;
  readonly dataFormat: "channels_last" | "channels_first";
  realKernel?: Variable;
  imagKernel?: Variable;

  constructor(...args: unknown[]) {
    const {
      mode = "log",
      frameLength = 256,
      frameStep = null,
      fftLength = null,
      window = "hann",
      periodic = false,
      scaling = "density",
      padding = "valid",
      expandDims = false,
      dataFormat = "channels_last",
      ...rest
    } = optionsFromArguments(
      "STFTSpectrogram",
      ["mode", "frameLength", "frameStep", "fftLength", "window", "periodic", "scaling", "padding", "expandDims", "dataFormat"],
      args,
    ) as STFTSpectrogramArgs;
    if (!stftModes.includes(mode)) throw new Error(`STFTSpectrogram mode "${mode}" is not one of ${stftModes.join(", ")}.`);
    if (frameStep !== null && (frameStep < 1 || frameStep > frameLength))
      throw new Error(
        `STFTSpectrogram frameStep must be a positive integer not greater than frameLength; got frameStep=${frameStep}, frameLength=${frameLength}.`,
      );
    if (fftLength !== null && fftLength < frameLength)
      throw new Error(`STFTSpectrogram fftLength must be at least frameLength; got fftLength=${fftLength}, frameLength=${frameLength}.`);
    if (scaling !== null && scaling !== "density" && scaling !== "spectrum")
      throw new Error(`STFTSpectrogram scaling "${scaling}" is not "density", "spectrum" or null.`);
    if (padding !== "valid" && padding !== "same") throw new Error(`STFTSpectrogram padding "${padding}" is not "valid" or "same".`);
    windowValues(window, frameLength, periodic);
    super(rest);
    this.mode = mode;
    this.frameLength = frameLength;
    this.frameStep = frameStep;
    this.fftLength = fftLength;
    this.window = window;
    this.periodic = periodic;
    this.scaling = scaling;
    this.padding = padding;
    this.expandDims = expandDims;
    this.dataFormat = dataFormat;
  }

  private get step(): number {
    return this.frameStep ?? Math.floor(this.frameLength / 2);
  }
  private get transformLength(): number {
    return this.fftLength ?? 2 ** Math.ceil(Math.log2(this.frameLength));
  }

  /** Keras's STFT initializer: `[frameLength, 1, bins]` of cos (real) or sin (imag) of −2π·t·f/fft, times the scaled window. */
  private kernelValues(side: "real" | "imag"): tfc.Tensor {
    const bins = Math.floor(this.transformLength / 2) + 1;
    const window = windowValues(this.window, this.frameLength, this.periodic);
    const scale =
      window === null || this.scaling === null
        ? 1
        : this.scaling === "density"
          ? Math.sqrt(window.reduce((sum, value) => sum + value * value, 0))
          : window.reduce((sum, value) => sum + Math.abs(value), 0);
    const values = new Float32Array(this.frameLength * bins);
    for (let t = 0; t < this.frameLength; t++) {
      for (let f = 0; f < bins; f++) {
        const angle = (-2 * Math.PI * t * f) / ((bins - 1) * 2);
        values[t * bins + f] = ((side === "real" ? Math.cos(angle) : Math.sin(angle)) * (window ? window[t]! : 1)) / scale;
      }
    }
    return tfc.tensor3d(values, [this.frameLength, 1, bins]);
  }

  override build(_inputShape?: tfl.Shape | tfl.Shape[]): void {
    const shape = [this.frameLength, 1, Math.floor(this.transformLength / 2) + 1];
    const kernel = (name: string, side: "real" | "imag") => {
      const variable = this.addWeight({ name, shape, initializer: "zeros" });
      const values = this.kernelValues(side);
      variable.assign(values);
      values.dispose();
      return variable;
    };
    if (this.mode !== "imag") this.realKernel = kernel("real_kernel", "real");
    if (this.mode !== "real") this.imagKernel = kernel("imag_kernel", "imag");
  }

  /** Each channel convolved on its own: `[batch, channels, bins, frames]`. */
  private convolve(inputs: tfc.Tensor3D, kernel: Variable): tfc.Tensor4D {
    const channelsLast = this.dataFormat === "channels_last";
    const [batch, channels, steps] = channelsLast ? [inputs.shape[0], inputs.shape[2], inputs.shape[1]] : inputs.shape;
    const signals = tfc.reshape(channelsLast ? tfc.transpose(inputs, [0, 2, 1]) : inputs, [batch * channels, steps, 1]) as tfc.Tensor3D;
    const outputs = tfc.conv1d(signals, kernel.read() as tfc.Tensor3D, this.step, this.padding);
    const [, frames, bins] = outputs.shape;
    return tfc.reshape(tfc.transpose(outputs, [0, 2, 1]), [batch, channels, bins, frames]);
  }

  /** `[batch, channels, bins, frames]` → Keras's output layout. */
  private arrange(outputs: tfc.Tensor4D): tfc.Tensor {
    const [batch, channels, bins, frames] = outputs.shape;
    if (this.dataFormat === "channels_last") {
      return this.expandDims ? tfc.transpose(outputs, [0, 3, 2, 1]) : tfc.transpose(tfc.reshape(outputs, [batch, channels * bins, frames]), [0, 2, 1]);
    }
    return this.expandDims ? tfc.transpose(outputs, [0, 1, 3, 2]) : tfc.reshape(outputs, [batch, channels * bins, frames]);
  }

  override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
    const signal = (Array.isArray(inputs) ? inputs[0]! : inputs) as tfc.Tensor3D;
    if (signal.rank !== 3)
      throw new Error(`STFTSpectrogram takes [batch, time, channels] (or [batch, channels, time] for channels_first); got shape [${signal.shape}].`);
    return tfc.tidy(() => {
      const real = this.mode !== "imag" ? this.convolve(signal, this.realKernel!) : undefined;
      const imag = this.mode !== "real" ? this.convolve(signal, this.imagKernel!) : undefined;
      if (this.mode === "real") return this.arrange(real!);
      if (this.mode === "imag") return this.arrange(imag!);
      if (this.mode === "angle") return this.arrange(tfc.atan2(imag!, real!));
      if (this.mode === "stft") return this.arrange(tfc.concat([real!, imag!], 2));
      const power = tfc.add(tfc.square(real!), tfc.square(imag!)) as tfc.Tensor4D;
      if (this.mode === "psd") {
        // One-sided density: every bin but the first and last counts twice.
        const bins = power.shape[2];
        const inner = tfc.slice(power, [0, 0, 1, 0], [-1, -1, bins - 2, -1]);
        return this.arrange(
          tfc.add(
            power,
            tfc.pad(inner, [
              [0, 0],
              [0, 0],
              [1, 1],
              [0, 0],
            ]),
          ),
        );
      }
      const magnitude = this.arrange(tfc.sqrt(tfc.maximum(power, epsilon)) as tfc.Tensor4D);
      return this.mode === "magnitude" ? magnitude : tfc.log(tfc.maximum(magnitude, epsilon));
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channelsLast = this.dataFormat === "channels_last";
    const [steps, channels] = channelsLast ? [shape[1], shape[2]] : [shape[2], shape[1]];
    const bins = (Math.floor(this.transformLength / 2) + 1) * (this.mode === "stft" ? 2 : 1);
    const frames =
      steps === null || steps === undefined
        ? null
        : this.padding === "same"
          ? Math.ceil(steps / this.step)
          : Math.floor((steps - this.frameLength) / this.step) + 1;
    if (this.expandDims) return channelsLast ? [shape[0]!, frames, bins, channels!] : [shape[0]!, channels!, frames, bins];
    const features = channels === null || channels === undefined ? null : channels * bins;
    return channelsLast ? [shape[0]!, frames, features] : [shape[0]!, features, frames];
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      mode: this.mode,
      frame_length: this.frameLength,
      frame_step: this.frameStep,
      fft_length: this.fftLength,
      window: this.window,
      periodic: this.periodic,
      scaling: this.scaling,
      padding: this.padding,
      data_format: this.dataFormat,
      expand_dims: this.expandDims,
    };
  }

  static override fromConfig(config: Record<string, unknown>): STFTSpectrogram {
    return new STFTSpectrogram({
      ...layerArgsFromConfig(config),
      mode: config["mode"] as STFTSpectrogramArgs["mode"],
      frameLength: config["frame_length"] as number,
      frameStep: (config["frame_step"] as number | null | undefined) ?? null,
      fftLength: (config["fft_length"] as number | null | undefined) ?? null,
      window: (config["window"] as WindowSpec | undefined) ?? "hann",
      periodic: (config["periodic"] as boolean | undefined) ?? false,
      scaling: config["scaling"] === undefined ? "density" : (config["scaling"] as STFTSpectrogramArgs["scaling"]),
      padding: (config["padding"] as "valid" | "same" | undefined) ?? "valid",
      expandDims: (config["expand_dims"] as boolean | undefined) ?? false,
      dataFormat: (config["data_format"] as STFTSpectrogramArgs["dataFormat"] | undefined) ?? "channels_last",
    });
  }
}
registerWrittenLayer(STFTSpectrogram);

export interface MelSpectrogramArgs extends LayerArgs {
  fftLength?: number;
  sequenceStride?: number;
  /** Window length in samples; default fftLength. */
  sequenceLength?: number | null;
  window?: "hann" | "hamming" | null;
  samplingRate?: number;
  numMelBins?: number;
  minFreq?: number;
  /** Default samplingRate / 2. */
  maxFreq?: number | null;
  powerToDb?: boolean;
  topDb?: number;
  magExp?: number;
  minPower?: number;
  refPower?: number;
}

/** Python `MelSpectrogram(fft_length=2048, sequence_stride=512, sequence_length=None, window="hann", sampling_rate=16000, num_mel_bins=128, min_freq=20.0, max_freq=None, power_to_db=True, top_db=80.0, mag_exp=2.0, min_power=1e-10, ref_power=1.0)`. */
export class MelSpectrogram extends Layer {
  static readonly className = "MelSpectrogram";
  readonly fftLength: number;
  readonly sequenceStride: number;
  readonly sequenceLength: number;
  readonly window: "hann" | "hamming" | null;
  readonly samplingRate: number;
  readonly numMelBins: number;
  readonly minFreq: number;
  readonly maxFreq: number;
  readonly powerToDb: boolean;
  readonly topDb: number;
  readonly magExp: number;
  readonly minPower: number;
  readonly refPower: number;

  constructor(...args: unknown[]) {
    const {
      fftLength = 2048,
      sequenceStride = 512,
      sequenceLength = null,
      window = "hann",
      samplingRate = 16000,
      numMelBins = 128,
      minFreq = 20.0,
      maxFreq = null,
      powerToDb = true,
      topDb = 80.0,
      magExp = 2.0,
      minPower = 1e-10,
      refPower = 1.0,
      ...rest
    } = optionsFromArguments(
      "MelSpectrogram",
      [
        "fftLength",
        "sequenceStride",
        "sequenceLength",
        "window",
        "samplingRate",
        "numMelBins",
        "minFreq",
        "maxFreq",
        "powerToDb",
        "topDb",
        "magExp",
        "minPower",
        "refPower",
      ],
      args,
    ) as MelSpectrogramArgs;
    const length = sequenceLength ?? fftLength;
    if (fftLength < length) throw new Error(`MelSpectrogram fftLength must be at least sequenceLength; got fftLength=${fftLength}, sequenceLength=${length}.`);
    windowValues(window, length, true);
    super(rest);
    this.fftLength = fftLength;
    this.sequenceStride = sequenceStride;
    this.sequenceLength = length;
    this.window = window;
    this.samplingRate = samplingRate;
    this.numMelBins = numMelBins;
    this.minFreq = minFreq;
    this.maxFreq = maxFreq ?? Math.trunc(samplingRate / 2);
    this.powerToDb = powerToDb;
    this.topDb = topDb;
    this.magExp = magExp;
    this.minPower = minPower;
    this.refPower = refPower;
  }

  /** `[fftLength, bins]` DFT tables times the (periodic, centred, zero-padded) window: frames · cos, frames · sin. */
  private transformTables(): [tfc.Tensor2D, tfc.Tensor2D] {
    const bins = Math.floor(this.fftLength / 2) + 1;
    const window = windowValues(this.window, this.sequenceLength, true);
    const leftPad = Math.floor((this.fftLength - this.sequenceLength) / 2);
    const cos = new Float32Array(this.fftLength * bins);
    const sin = new Float32Array(this.fftLength * bins);
    for (let t = 0; t < this.fftLength; t++) {
      const inWindow = t - leftPad;
      const weight = inWindow < 0 || inWindow >= this.sequenceLength ? 0 : window ? window[inWindow]! : 1;
      for (let f = 0; f < bins; f++) {
        // (t·f) mod fftLength keeps the angle small, so the tables are exact to float32.
        const angle = (2 * Math.PI * ((t * f) % this.fftLength)) / this.fftLength;
        cos[t * bins + f] = weight * Math.cos(angle);
        sin[t * bins + f] = -weight * Math.sin(angle);
      }
    }
    return [tfc.tensor2d(cos, [this.fftLength, bins]), tfc.tensor2d(sin, [this.fftLength, bins])];
  }

  /**
   * Keras's `linear_to_mel_weight_matrix`: `[bins, numMelBins]` triangles on the mel scale, bin 0 (DC)
   * zero. Computed step by step in float32 as Keras does (the slopes subtract nearby mel values, so
   * float32 rounding shows in the output at 1e-5).
   */
  private melMatrix(bins: number): tfc.Tensor2D {
    const f = Math.fround;
    const toMel = (hertz: number) => f(1127.0 * f(Math.log(f(1 + f(hertz / 700.0)))));
    // TensorFlow's linspace: start + i·step in float32, the last value exactly stop.
    const linspace = (start: number, stop: number, count: number) => {
      const step = f(f(stop - start) / (count - 1));
      return Array.from({ length: count }, (_unused, index) => (index === count - 1 ? stop : f(start + f(step * index))));
    };
    const frequencies = linspace(0, f(f(this.samplingRate) / 2), bins);
    const edges = linspace(toMel(f(this.minFreq)), toMel(f(this.maxFreq)), this.numMelBins + 2);
    const values = new Float32Array(bins * this.numMelBins);
    for (let bin = 1; bin < bins; bin++) {
      const mel = toMel(frequencies[bin]!);
      for (let band = 0; band < this.numMelBins; band++) {
        const [left, center, right] = [edges[band]!, edges[band + 1]!, edges[band + 2]!];
        const rising = f(f(mel - left) / f(center - left));
        const falling = f(f(right - mel) / f(right - center));
        values[bin * this.numMelBins + band] = Math.max(0, Math.min(rising, falling));
      }
    }
    return tfc.tensor2d(values, [bins, this.numMelBins]);
  }

  override call(inputs: tfc.Tensor | tfc.Tensor[]): tfc.Tensor {
    const signal = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (signal.rank !== 1 && signal.rank !== 2) throw new Error(`MelSpectrogram takes [samples] or [batch, samples]; got shape [${signal.shape}].`);
    return tfc.tidy(() => {
      const batched = tfc.cast(signal.rank === 1 ? tfc.expandDims(signal, 0) : signal, "float32") as tfc.Tensor2D;
      // Centred frames of the reflect-padded signal, gathered from the signal itself (tfjs's MirrorPad
      // gradient drops the reflected part, so the padding is folded into the gather's indices).
      const half = Math.floor(this.fftLength / 2);
      const samples = batched.shape[1];
      const frames = Math.floor((samples + 2 * half - this.fftLength) / this.sequenceStride) + 1;
      const reflected = (position: number) => (position < 0 ? -position : position >= samples ? 2 * (samples - 1) - position : position);
      const indices = tfc.tensor2d(
        Int32Array.from({ length: frames * this.fftLength }, (_unused, index) =>
          reflected(Math.floor(index / this.fftLength) * this.sequenceStride + (index % this.fftLength) - half),
        ),
        [frames, this.fftLength],
        "int32",
      );
      const framed = tfc.reshape(tfc.gather(batched, indices, 1), [-1, this.fftLength]); // [batch·frames, fftLength]
      const [cos, sin] = this.transformTables();
      const real = tfc.matMul(framed, cos);
      const imag = tfc.matMul(framed, sin);
      const magnitude = tfc.pow(tfc.sqrt(tfc.add(tfc.square(real), tfc.square(imag))), this.magExp);
      const bins = cos.shape[1];
      let mel: tfc.Tensor = tfc.reshape(tfc.matMul(magnitude, this.melMatrix(bins)), [batched.shape[0], frames, this.numMelBins]);
      if (this.powerToDb) {
        const log10 = (tensor: tfc.Tensor) => tfc.div(tfc.log(tensor), Math.LN10);
        mel = tfc.sub(tfc.mul(10, log10(tfc.maximum(mel, this.minPower))), 10 * Math.log10(Math.max(Math.abs(this.refPower), this.minPower)));
        // Keras clips at top_db below the largest value of the whole batch.
        // (The floor is broadcast explicitly: tfjs's Maximum gradient does not reduce a broadcast input.)
        mel = tfc.maximum(mel, tfc.broadcastTo(tfc.sub(tfc.max(mel), this.topDb), mel.shape));
      }
      const output = tfc.transpose(mel, [0, 2, 1]);
      return signal.rank === 1 ? tfc.squeeze(output, [0]) : output;
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const steps = shape[shape.length - 1];
    const frames = steps === null || steps === undefined ? null : Math.floor((steps + this.sequenceStride + 1) / this.sequenceStride);
    return shape.length === 1 ? [this.numMelBins, frames] : [shape[0]!, this.numMelBins, frames];
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      fft_length: this.fftLength,
      sequence_stride: this.sequenceStride,
      sequence_length: this.sequenceLength,
      window: this.window,
      sampling_rate: this.samplingRate,
      num_mel_bins: this.numMelBins,
      min_freq: this.minFreq,
      max_freq: this.maxFreq,
      power_to_db: this.powerToDb,
      top_db: this.topDb,
      mag_exp: this.magExp,
      min_power: this.minPower,
      ref_power: this.refPower,
    };
  }

  static override fromConfig(config: Record<string, unknown>): MelSpectrogram {
    const value = <T>(key: string, fallback: T): T => (config[key] === undefined ? fallback : (config[key] as T));
    return new MelSpectrogram({
      ...layerArgsFromConfig(config),
      fftLength: value("fft_length", 2048),
      sequenceStride: value("sequence_stride", 512),
      sequenceLength: value<number | null>("sequence_length", null),
      window: value<MelSpectrogramArgs["window"]>("window", "hann"),
      samplingRate: value("sampling_rate", 16000),
      numMelBins: value("num_mel_bins", 128),
      minFreq: value("min_freq", 20.0),
      maxFreq: value<number | null>("max_freq", null),
      powerToDb: value("power_to_db", true),
      topDb: value("top_db", 80.0),
      magExp: value("mag_exp", 2.0),
      minPower: value("min_power", 1e-10),
      refPower: value("ref_power", 1.0),
    });
  }
}
registerWrittenLayer(MelSpectrogram);
