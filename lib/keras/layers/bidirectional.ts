/**
 * Python `keras.layers.Bidirectional(layer, merge_mode="concat", weights=None, backward_layer=None)`
 * on tfjs-layers' Bidirectional, with Keras 3.15's layers and config: the forward layer is a copy of
 * `layer` named `forward_<name>`, the backward one is `backward_layer` when given, else a copy named
 * `backward_<name>` with `go_backwards` set; `getConfig()` writes the forward layer under `layer` and
 * the backward one under `backward_layer` (with `zero_output_for_mask` = `return_sequences` on both, as
 * Keras forces it), and `fromConfig` rebuilds both.
 *
 * @example
 * new keras.layers.Bidirectional(new keras.layers.LSTM(8, { returnSequences: true }));
 * new keras.layers.Bidirectional(new keras.layers.LSTM(8), { backwardLayer: new keras.layers.GRU(8, { goBackwards: true }) });
 */
import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import type { Bidirectional as TfBidirectional, BidirectionalLayerArgs } from "@tensorflow/tfjs-layers/dist/layers/wrappers.js";
import { isJsonObject, type JsonObject } from "../../formats/keras-json/schema.js";
import { kerasLayerConfig } from "../saving/keras-json/keras3-serialize.js";
import { serializeKerasObject } from "../saving/keras-json/serialize.js";
import { markLibraryClass } from "../library-classes.js";
import { kerasLayerClass, optionsFromArguments } from "./keras-layer-class.js";

/** Keras's keyword arguments: `backwardLayer` is the layer run on the reversed sequence (it must have `goBackwards: true`). */
export interface BidirectionalArgs extends Omit<BidirectionalLayerArgs, "layer"> {
  layer?: tfl.layers.Layer;
  backwardLayer?: tfl.layers.Layer;
}

type RecurrentLayer = tfl.layers.Layer & { goBackwards?: boolean; returnSequences?: boolean; returnState?: boolean; stateful?: boolean };
type Pair = { forwardLayer: RecurrentLayer; backwardLayer: RecurrentLayer; layer: RecurrentLayer };

const BidirectionalBase = kerasLayerClass<typeof TfBidirectional, BidirectionalLayerArgs, [layer: tfl.RNN]>("Bidirectional", ["layer", "mergeMode"], {}, [
  "layer",
]);

/** Python `Bidirectional(layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs)`. */
export class Bidirectional extends BidirectionalBase {
  constructor(layer: tfl.layers.Layer, mergeMode?: BidirectionalArgs["mergeMode"], options?: BidirectionalArgs);
  constructor(options: BidirectionalArgs);
  constructor(...args: unknown[]) {
    const { backwardLayer, ...options } = optionsFromArguments("Bidirectional", ["layer", "mergeMode", "weights", "backwardLayer"], args) as BidirectionalArgs;
    const layer = layerOf(options.layer, "layer");
    super({ ...options, layer } as BidirectionalLayerArgs);
    // tfjs copies `layer` through tfjs's own config spelling (losing e.g. return_sequences); Keras copies it through its config.
    const pair = this as unknown as Pair;
    pair.forwardLayer = copyOf(layer, { name: `forward_${withoutPrefix(layer.name, "forward_")}` });
    pair.backwardLayer =
      backwardLayer === undefined
        ? copyOf(layer, { go_backwards: true, name: `backward_${withoutPrefix(layer.name, "backward_")}` })
        : layerOf(backwardLayer, "backwardLayer");
    // tfjs's Wrapper writes `this.layer` as the config's `layer`; Keras writes the forward layer there.
    pair.layer = pair.forwardLayer;
    checkPair(pair.forwardLayer, pair.backwardLayer);
  }

  /** Python `get_config()`: `merge_mode`, `layer` (the forward layer) and `backward_layer`, each nested as Keras writes layers. */
  override getConfig(): tfc.serialization.ConfigDict {
    const pair = this as unknown as Pair;
    const result = kerasLayerConfig("Bidirectional", {
      ...(super.getConfig() as JsonObject),
      backward_layer: serializeKerasObject(pair.backwardLayer) as unknown as JsonObject,
    });
    // Keras sets zero_output_for_mask = return_sequences on both layers.
    for (const key of ["layer", "backward_layer"]) {
      const entry = result[key];
      if (isJsonObject(entry) && isJsonObject(entry["config"]) && "zero_output_for_mask" in entry["config"])
        result[key] = { ...entry, config: { ...entry["config"], zero_output_for_mask: entry["config"]["return_sequences"] ?? false } };
    }
    return result as tfc.serialization.ConfigDict;
  }
}

markLibraryClass(Bidirectional);

/** A layer given as such, or as a `{className, config}` that tfjs's fromConfig passes on (built with the registered class). */
function layerOf(value: unknown, what: string): RecurrentLayer {
  if (value instanceof tfl.layers.Layer) return value;
  const entry = value as { className?: unknown; config?: unknown } | undefined;
  if (typeof entry?.className === "string") {
    const registered = tfc.serialization.SerializationMap.getMap().classNameMap[entry.className];
    if (registered) {
      const [cls, fromConfig] = registered as unknown as [new (config: unknown) => RecurrentLayer, ((cls: unknown, config: unknown) => RecurrentLayer) | null];
      return fromConfig ? fromConfig(cls, entry.config ?? {}) : new cls(entry.config ?? {});
    }
  }
  throw new Error(
    `Bidirectional's ${what} must be a recurrent layer, e.g. new keras.layers.Bidirectional(new keras.layers.LSTM(8)); got ${JSON.stringify(value)?.slice(0, 80)}.`,
  );
}

/** Keras's copy of a layer: its config with `overrides`, rebuilt by its class (fresh weights). */
function copyOf(layer: RecurrentLayer, overrides: JsonObject): RecurrentLayer {
  const cls = layer.constructor as unknown as { fromConfig(config: JsonObject): RecurrentLayer };
  return cls.fromConfig({ ...(layer.getConfig() as JsonObject), ...overrides });
}

function withoutPrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** Keras's `_verify_layer_config`: opposite directions, the same stateful/return_sequences/return_state. */
function checkPair(forward: RecurrentLayer, backward: RecurrentLayer): void {
  if (Boolean(forward.goBackwards) === Boolean(backward.goBackwards)) {
    throw new Error(
      `Bidirectional's forward and backward layers must run in opposite directions, but both have goBackwards=${Boolean(forward.goBackwards)}. ` +
        "Give the backward layer goBackwards: true (and leave it false on the forward layer).",
    );
  }
  for (const [property, key] of [
    ["stateful", "stateful"],
    ["returnSequences", "return_sequences"],
    ["returnState", "return_state"],
  ] as const) {
    if (Boolean(forward[property]) !== Boolean(backward[property]))
      throw new Error(
        `Bidirectional's forward and backward layers must have the same ${key}: ${forward[property]} (forward) vs ${backward[property]} (backward).`,
      );
  }
}
