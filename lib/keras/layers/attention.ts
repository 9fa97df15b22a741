/**
 * Python `keras.layers.Attention(use_scale=False, score_mode="dot", dropout=0.0)`: dot-product
 * (Luong) attention over `[query, value]` or `[query, value, key]` (key defaults to value).
 */
import * as tfc from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { LayerArgs } from "@tensorflow/tfjs-layers/dist/engine/topology.js";
import type { Variable } from "../../tf/variable.js";
import { optionsFromArguments } from "./keras-layer-class.js";
import { Layer } from "./layer.js";
import { layerArgsFromConfig, registerWrittenLayer } from "./written-layers.js";

export interface AttentionArgs extends LayerArgs {
  useScale?: boolean;
  scoreMode?: "dot";
  dropout?: number;
}

/** Python `Attention(use_scale=False, score_mode="dot", dropout=0.0, **kwargs)`. */
export class Attention extends Layer {
  static readonly className: string = "Attention";
  readonly useScale: boolean;
  readonly dropoutRate: number;
  scale?: Variable;
  constructor(options: AttentionArgs = {}) {
    const { useScale = false, scoreMode = "dot", dropout = 0, ...rest } = optionsFromArguments("Attention", [], [options]) as AttentionArgs;
    if (scoreMode !== "dot") throw new Error(`Attention score_mode "${scoreMode}" is not supported yet; tskeras has "dot".`);
    super(rest);
    this.useScale = useScale;
    this.dropoutRate = dropout;
  }
  override build(_inputShape?: tfl.Shape | tfl.Shape[]): void {
    if (this.useScale) this.scale = this.addWeight({ name: "scale", shape: [], initializer: "ones" });
  }
  /** `[batch, Tq, Tv]` scores of each query step against each key step: dot products (times `scale`). */
  protected scores(query: tfc.Tensor, key: tfc.Tensor): tfc.Tensor {
    const scores = tfc.matMul(query, key, false, true);
    return this.scale ? tfc.mul(scores, this.scale.read()) : scores;
  }
  override call(inputs: tfc.Tensor | tfc.Tensor[], kwargs: { training?: boolean; useCausalMask?: boolean } = {}): tfc.Tensor {
    if (!Array.isArray(inputs) || inputs.length < 2) throw new Error("Attention takes a list [query, value] or [query, value, key].");
    const [query, value, key = value] = inputs as [tfc.Tensor, tfc.Tensor, tfc.Tensor?];
    return tfc.tidy(() => {
      let scores = this.scores(query, key!);
      if (kwargs.useCausalMask) {
        const causal = tfc.linalg.bandPart(tfc.ones([query.shape[1]!, key!.shape[1]!]), -1, 0);
        scores = tfc.add(scores, tfc.mul(tfc.sub(1, causal), -1e9));
      }
      let weights = tfc.softmax(scores, -1);
      if (kwargs.training === true && this.dropoutRate > 0) weights = tfc.dropout(weights, this.dropoutRate);
      return tfc.matMul(weights, value);
    });
  }
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const [query, value] = inputShape as tfl.Shape[];
    return [...query!.slice(0, -1), value!.at(-1)!];
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), use_scale: this.useScale, score_mode: "dot", dropout: this.dropoutRate, seed: null };
  }
  static override fromConfig(config: Record<string, unknown>): Attention {
    return new Attention({
      ...layerArgsFromConfig(config),
      useScale: config["use_scale"] as boolean,
      scoreMode: (config["score_mode"] ?? "dot") as "dot",
      dropout: (config["dropout"] as number | undefined) ?? 0,
    });
  }
}
registerWrittenLayer(Attention);
