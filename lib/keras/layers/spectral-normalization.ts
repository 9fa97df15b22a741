/**
 * Python `keras.layers.SpectralNormalization(layer, power_iterations=1)`: wraps a layer with a `kernel`
 * (Dense, Conv…) or `embeddings` (Embedding). As in Keras 3.15, a call with `training: true` first
 * replaces the kernel by kernel / σ (σ: its largest singular value, estimated by power iteration from
 * the stored vector `u`, which it updates too), then runs the layer; any other call runs the layer on
 * the kernel as it is stored. In `.keras` files its own variables are the kernel (shared with the
 * wrapped layer) and `vector_u`.
 *
 * @example
 * const dense = new keras.layers.SpectralNormalization(new keras.layers.Dense(10));
 * dense.apply(x, { training: true }); // normalizes the kernel, then computes Dense
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type { JsonObject } from "../../formats/keras-json/schema.js";
import { deserializeKerasObject } from "../saving/keras-json/deserialize.js";
import { keras3NestedLayer } from "../saving/keras-json/keras3-serialize.js";
import { serializeKerasObject } from "../saving/keras-json/serialize.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { layerArgsFromConfig, registerWrittenLayer, type Keras3WeightLayout } from "./written-layers.js";

export interface SpectralNormalizationArgs extends LayerArgs {
  /** The wrapped layer; it must have a `kernel` or `embeddings` weight once built. */
  layer?: tfl.layers.Layer;
  /** Power iterations per normalization (Keras's default 1). */
  powerIterations?: number;
}

type Kwargs = { training?: boolean };

/** Keras's `ops.normalize(x, axis=None)`: x · min(1/‖x‖, 1/ε), ε = 1e-7. */
function normalized(x: tfc.Tensor): tfc.Tensor {
  return tfc.mul(x, tfc.minimum(tfc.rsqrt(tfc.sum(tfc.square(x))), 1e7));
}

/** Python `SpectralNormalization(layer, power_iterations=1, **kwargs)`. */
export class SpectralNormalization extends Layer implements Keras3WeightLayout {
  static readonly className = "SpectralNormalization";
  readonly layer: tfl.layers.Layer;
  readonly powerIterations: number;
  vectorU?: tfl.LayerVariable;

  constructor(layer: tfl.layers.Layer, powerIterations?: number, options?: SpectralNormalizationArgs);
  constructor(options: SpectralNormalizationArgs);
  constructor(...args: unknown[]) {
    const {
      layer,
      powerIterations = 1,
      ...rest
    } = optionsFromArguments("SpectralNormalization", ["layer", "powerIterations"], args) as SpectralNormalizationArgs;
    if (!(layer instanceof tfl.layers.Layer))
      throw new Error(
        `SpectralNormalization wraps a layer, e.g. new keras.layers.SpectralNormalization(new keras.layers.Dense(10)); got ${JSON.stringify(layer)?.slice(0, 80)}.`,
      );
    if (!(powerIterations > 0)) throw new Error(`SpectralNormalization's powerIterations must be greater than zero, got ${powerIterations}.`);
    super(rest);
    this.layer = layer;
    this.powerIterations = powerIterations;
  }

  /** The wrapped layer's kernel (or embeddings), the variable this layer normalizes. */
  get kernel(): tfl.LayerVariable {
    const inner = this.layer as unknown as { kernel?: tfl.LayerVariable; embeddings?: tfl.LayerVariable };
    const kernel = inner.kernel ?? inner.embeddings;
    if (kernel === undefined)
      throw new Error(`SpectralNormalization needs a layer with a kernel or embeddings; ${this.layer.getClassName()} "${this.layer.name}" has neither.`);
    return kernel;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    if (!this.layer.built) {
      this.layer.build(inputShape);
      this.layer.built = true;
    }
    const shape = this.kernel.shape;
    this.vectorU = this.addWeight("vector_u", [1, shape[shape.length - 1]!], "float32", tfl.initializers.truncatedNormal({ stddev: 0.02 }), undefined, false);
  }

  override call(inputs: tfc.Tensor, kwargs: Kwargs = {}): tfc.Tensor {
    if (kwargs.training === true) this.normalizeKernel();
    return this.layer.apply(inputs) as tfc.Tensor;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  /** Keras's `normalized_weights`, assigned: u ← power-iterated u, kernel ← kernel / (v·W·uᵀ); an all-zero kernel stays. */
  private normalizeKernel(): void {
    const kernelVariable = this.kernel;
    const vectorU = this.vectorU!;
    tfc.tidy(() => {
      const kernel = kernelVariable.read();
      if (tfc.all(tfc.equal(kernel, 0)).dataSync()[0]) return;
      const shape = kernel.shape;
      const weights = tfc.reshape(kernel, [-1, shape[shape.length - 1]!]);
      let u = vectorU.read();
      let v = u;
      for (let iteration = 0; iteration < this.powerIterations; iteration++) {
        v = normalized(tfc.matMul(u, weights, false, true));
        u = normalized(tfc.matMul(v, weights));
      }
      const sigma = tfc.matMul(tfc.matMul(v, weights), u, false, true);
      vectorU.write(u);
      kernelVariable.write(tfc.reshape(tfc.div(weights, sigma), shape));
    });
  }

  /** `.keras` paths of `weights` (trainable then not, the order of Keras's legacy `.h5` too): the wrapped layer's under `layer/`, `vector_u` at `vars/1`. */
  keras3WeightPaths(): { weights: Array<string | string[]>; emptyGroups: string[] } {
    const inner = this.layer.weights;
    const kernel = this.kernel;
    // The kernel is also this layer's own attribute in Keras, so it is saved twice: `layer/vars/i` and `vars/0`.
    return {
      weights: this.weights.map((weight) =>
        weight === kernel ? [`layer/vars/${inner.indexOf(kernel)}`, "vars/0"] : weight === this.vectorU ? "vars/1" : `layer/vars/${inner.indexOf(weight)}`,
      ),
      emptyGroups: [],
    };
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      layer: keras3NestedLayer(serializeKerasObject(this.layer) as unknown as JsonObject) as tfc.serialization.ConfigDictValue,
      power_iterations: this.powerIterations,
    };
  }

  static override fromConfig(config: Record<string, unknown>): SpectralNormalization {
    const layer = deserializeKerasObject(config["layer"] as never) as tfl.layers.Layer;
    return new SpectralNormalization(layer, (config["power_iterations"] as number | undefined) ?? 1, layerArgsFromConfig(config));
  }
}
registerWrittenLayer(SpectralNormalization);
