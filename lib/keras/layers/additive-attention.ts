/**
 * Python `keras.layers.AdditiveAttention(use_scale=True, dropout=0.0)`: Bahdanau-style attention over
 * `[query, value]` or `[query, value, key]`, scoring each query step against each key step as
 * `sum(scale * tanh(query + key))` over the features; `scale` is a trainable vector (glorot_uniform,
 * one entry per feature) when `useScale`. The rest (softmax, dropout, causal mask) is Attention's.
 *
 * @example
 * const attended = new keras.layers.AdditiveAttention().apply([query, value]);
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import { Attention } from "./attention.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

export interface AdditiveAttentionArgs extends LayerArgs {
  useScale?: boolean;
  dropout?: number;
}

/** Python `AdditiveAttention(use_scale=True, dropout=0.0, **kwargs)`. */
export class AdditiveAttention extends Attention {
  static override readonly className: string = "AdditiveAttention";
  constructor(options: AdditiveAttentionArgs = {}) {
    const { useScale = true, ...rest } = optionsFromArguments("AdditiveAttention", [], [options]) as AdditiveAttentionArgs;
    super({ ...rest, useScale });
  }
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const query = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    if (this.useScale) this.scale = this.addWeight({ name: "scale", shape: [query.at(-1)!], initializer: "glorot_uniform" });
  }
  /** `sum(scale * tanh(q + k))` over features, for every (query step, key step) pair. */
  protected override scores(query: tfc.Tensor, key: tfc.Tensor): tfc.Tensor {
    const sums = tfc.tanh(tfc.add(tfc.expandDims(query, -2), tfc.expandDims(key, -3))); // [batch, Tq, Tv, dim]
    return tfc.sum(this.scale ? tfc.mul(sums, this.scale.read()) : sums, -1);
  }
  override getConfig(): tfc.serialization.ConfigDict {
    const { score_mode: _scoreMode, ...config } = super.getConfig();
    return config;
  }
  static override fromConfig(config: Record<string, unknown>): AdditiveAttention {
    return new AdditiveAttention({
      ...layerArgsFromConfig(config),
      useScale: (config["use_scale"] as boolean | undefined) ?? true,
      dropout: (config["dropout"] as number | undefined) ?? 0,
    });
  }
}
registerWrittenLayer(AdditiveAttention);
