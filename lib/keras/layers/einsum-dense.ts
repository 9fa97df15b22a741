/**
 * Python `keras.layers.EinsumDense(equation, output_shape, activation=None, bias_axes=None, ...)`:
 * a dense layer written as an einsum of the input with a kernel, e.g. `"abc,cde->abde"` projects
 * `[batch, steps, features]` to `[batch, steps, heads, size]` (what MultiHeadAttention uses).
 * Computed as transpose + reshape + matMul, so gradients come from tfjs's differentiable ops.
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type { Variable } from "../../tf/variable.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import * as activations from "../activations.js";
import { initializerConfig, layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

export interface EinsumDenseArgs extends LayerArgs {
  equation?: string;
  /** The output's shape without the batch axis (`null` for sizes taken from the input); a number for one axis. */
  outputShape?: number | Array<number | null>;
  /** A Keras activation name (default linear). */
  activation?: string | null;
  /** Output letters the bias spans (e.g. `"de"`); none means no bias. */
  biasAxes?: string | null;
  kernelInitializer?: string;
  biasInitializer?: string;
}

/** An einsum `"<input>,<kernel>-><output>"` with `...` expanded for a given input rank. */
interface Spec {
  input: string;
  kernel: string;
  output: string;
}

function parseEquation(equation: string, inputRank: number): Spec {
  const match = /^([a-zA-Z.]+),([a-zA-Z]+)->([a-zA-Z.]+)$/.exec(equation.replace(/\s+/g, ""));
  if (!match) throw new Error(`EinsumDense equation "${equation}" is not of the form "ab,bc->ac" (input,kernel->output; "..." allowed in input and output).`);
  let [, input, kernel, output] = match as unknown as [string, string, string, string];
  if (input.includes("...")) {
    const elided = inputRank - (input.length - 3);
    const letters = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
      .filter((letter) => !equation.includes(letter))
      .slice(0, elided)
      .join("");
    input = input.replace("...", letters);
    output = output.replace("...", letters);
  }
  if (input.length !== inputRank) throw new Error(`EinsumDense equation "${equation}" names ${input.length} input axes but the input has rank ${inputRank}.`);
  return { input, kernel, output };
}

/** Python `EinsumDense(equation, output_shape, activation=None, bias_axes=None, **kwargs)`. */
export class EinsumDense extends Layer {
  static readonly className = "EinsumDense";
  readonly equation: string;
  readonly partialOutputShape: Array<number | null>;
  readonly activationName: string;
  readonly biasAxes: string | null;
  readonly kernelInitializerName: string;
  readonly biasInitializerName: string;
  private readonly activationFunction: { apply(x: tfc.Tensor): tfc.Tensor };
  kernel?: Variable;
  bias?: Variable;
  private spec?: Spec;
  private fullOutputShape?: Array<number | null>;

  constructor(equation: string, outputShape: number | Array<number | null>, options?: EinsumDenseArgs);
  constructor(options: EinsumDenseArgs);
  constructor(...args: unknown[]) {
    const {
      equation,
      outputShape,
      activation,
      biasAxes,
      kernelInitializer = "glorot_uniform",
      biasInitializer = "zeros",
      ...rest
    } = optionsFromArguments("EinsumDense", ["equation", "outputShape"], args) as EinsumDenseArgs;
    if (equation === undefined || outputShape === undefined) {
      throw new Error('EinsumDense needs an equation and an output shape, e.g. new keras.layers.EinsumDense("ab,bc->ac", 64, { biasAxes: "c" }).');
    }
    super(rest);
    this.equation = equation;
    this.partialOutputShape = typeof outputShape === "number" ? [outputShape] : [...outputShape];
    this.activationName = activation ?? "linear";
    this.biasAxes = biasAxes ?? null;
    this.kernelInitializerName = kernelInitializer;
    this.biasInitializerName = biasInitializer;
    this.activationFunction = activationByName(this.activationName);
  }

  override build(inputShape: Array<number | null>): void {
    const spec = parseEquation(this.equation, inputShape.length);
    this.spec = spec;
    // Output letters not in the input come from output_shape (right-aligned, after the batch axis).
    const partial = this.partialOutputShape;
    const offset = spec.output.length - partial.length;
    const outputShape = [...spec.output].map((letter, index) => {
      const fromInput = spec.input.indexOf(letter);
      const given = index >= offset ? partial[index - offset] : null;
      return given ?? (fromInput >= 0 ? inputShape[fromInput]! : null);
    });
    this.fullOutputShape = outputShape;
    const kernelShape = [...spec.kernel].map((letter) => {
      const inInput = spec.input.indexOf(letter);
      if (inInput >= 0) return inputShape[inInput]!;
      const inOutput = spec.output.indexOf(letter);
      if (inOutput >= 0 && outputShape[inOutput] != null) return outputShape[inOutput]!;
      throw new Error(`EinsumDense "${this.equation}": the size of kernel axis "${letter}" is unknown; give it in output_shape.`);
    });
    this.kernel = this.addWeight({ name: "kernel", shape: kernelShape, initializer: this.kernelInitializerName });
    if (this.biasAxes) {
      const first = Math.min(...[...this.biasAxes].map((letter) => spec.output.indexOf(letter)));
      const biasShape = [...spec.output.slice(first)].map((letter) => (this.biasAxes!.includes(letter) ? outputShape[spec.output.indexOf(letter)]! : 1));
      this.bias = this.addWeight({ name: "bias", shape: biasShape, initializer: this.biasInitializerName });
    }
  }

  override call(inputs: tfc.Tensor): tfc.Tensor {
    return tfc.tidy(() => {
      const spec = this.spec ?? parseEquation(this.equation, inputs.rank);
      let result = einsumMatMul(spec, inputs, this.kernel!.read());
      if (this.bias) result = tfc.add(result, this.bias.read());
      return this.activationFunction.apply(result);
    });
  }

  override computeOutputShape(inputShape: tfl.Shape): tfl.Shape {
    if (!this.fullOutputShape) this.build(inputShape as Array<number | null>);
    return [inputShape[0] ?? null, ...this.fullOutputShape!.slice(1)];
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      output_shape: this.partialOutputShape,
      equation: this.equation,
      activation: this.activationName,
      bias_axes: this.biasAxes,
      kernel_initializer: namedInitializer(this.kernelInitializerName),
      bias_initializer: namedInitializer(this.biasInitializerName),
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      quantization_config: null,
    };
  }

  static override fromConfig(config: Record<string, unknown>): EinsumDense {
    return new EinsumDense({
      ...layerArgsFromConfig(config),
      equation: config["equation"] as string,
      outputShape: config["output_shape"] as Array<number | null>,
      activation: activationNameOf(config["activation"]),
      biasAxes: (config["bias_axes"] as string | null) ?? null,
      kernelInitializer: initializerNameOf(config["kernel_initializer"], "glorot_uniform"),
      biasInitializer: initializerNameOf(config["bias_initializer"], "zeros"),
    });
  }
}
registerWrittenLayer(EinsumDense);

/**
 * einsum(input, kernel) for one contraction: input axes are free (kept) or contracted (shared with
 * the kernel, absent from the output); kernel axes are contracted or free. Free input axes ×
 * free kernel axes is one matMul, then a transpose puts the axes in the output's order.
 */
export function einsumMatMul(spec: Spec, input: tfc.Tensor, kernel: tfc.Tensor): tfc.Tensor {
  const contracted = [...spec.input].filter((letter) => spec.kernel.includes(letter) && !spec.output.includes(letter));
  const freeInput = [...spec.input].filter((letter) => !contracted.includes(letter));
  const freeKernel = [...spec.kernel].filter((letter) => !contracted.includes(letter));
  if (freeKernel.some((letter) => spec.input.includes(letter)))
    throw new Error(`EinsumDense "${spec.input},${spec.kernel}->${spec.output}": axes shared by input, kernel and output are not supported yet.`);
  const sizeOf = (tensor: tfc.Tensor, letters: string, letter: string) => tensor.shape[letters.indexOf(letter)]!;
  const x = tfc.transpose(
    input,
    [...freeInput, ...contracted].map((letter) => spec.input.indexOf(letter)),
  );
  const k = tfc.transpose(
    kernel,
    [...contracted, ...freeKernel].map((letter) => spec.kernel.indexOf(letter)),
  );
  const contractedSize = contracted.reduce((product, letter) => product * sizeOf(input, spec.input, letter), 1);
  const freeInputSizes = freeInput.map((letter) => sizeOf(input, spec.input, letter));
  const freeKernelSizes = freeKernel.map((letter) => sizeOf(kernel, spec.kernel, letter));
  const product = tfc.matMul(tfc.reshape(x, [-1, contractedSize]), tfc.reshape(k, [contractedSize, -1]));
  const unflattened = tfc.reshape(product, [...freeInputSizes, ...freeKernelSizes]);
  const order = [...freeInput, ...freeKernel];
  const missing = [...spec.output].filter((letter) => !order.includes(letter));
  if (missing.length > 0)
    throw new Error(`EinsumDense "${spec.input},${spec.kernel}->${spec.output}": output axes ${missing.join(", ")} appear in neither input nor kernel.`);
  return tfc.transpose(
    unflattened,
    [...spec.output].map((letter) => order.indexOf(letter)),
  );
}

/** Keras writes an initializer as `{class_name, config}`; tskeras builds from its name. */
function namedInitializer(name: string): { class_name: string; config: Record<string, null> } {
  const className = name.replace(/(^|_)([a-z])/g, (_match, _underscore: string, letter: string) => letter.toUpperCase());
  return className === "GlorotUniform" || className === "Zeros" || className === "Ones" ? initializerConfig(className) : { class_name: className, config: {} };
}

/** `{class_name: "GlorotUniform"}` or `"glorot_uniform"` → `"glorot_uniform"`. */
export function initializerNameOf(value: unknown, fallback: string): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const className = (value as { class_name?: unknown; className?: unknown }).class_name ?? (value as { className?: unknown }).className;
    const config = (value as { config?: Record<string, unknown> }).config ?? {};
    if (typeof className === "string") {
      const known = ["GlorotUniform", "GlorotNormal", "Zeros", "Ones", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform", "Orthogonal"];
      if (!known.includes(className)) {
        throw new Error(`Initializer ${className}(${JSON.stringify(config)}) is not supported by this layer yet; use one of ${known.join(", ")}.`);
      }
      return className.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
    }
  }
  return fallback;
}

/** A saved activation (name, or Keras 3 `{class_name: "function", config: name}`) → its name. */
export function activationNameOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { config?: unknown }).config === "string") return (value as { config: string }).config;
  return "linear";
}

/** The function for a Keras activation name. */
function activationByName(name: string): { apply(x: tfc.Tensor): tfc.Tensor } {
  const fn = activations.get(name);
  return { apply: fn };
}
