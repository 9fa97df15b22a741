import { kerasModelConfig, modelFromConfigArguments, sequentialConfigWithInputLayer, type FromConfigOptions } from "../saving/serialization.js";
import { markLibraryClass } from "../library-classes.js";
import { registerKerasClasses } from "../saving/keras-json/keras-classes.js";
import type { JsonObject } from "../../formats/keras-json/schema.js";
import * as tfl from "@tensorflow/tfjs-layers";
import { uniqueName } from "../../util/naming.js";
import * as tfc from "@tensorflow/tfjs-core";
import { withKerasModelApi } from "./keras-model-api.js";

export interface SequentialOptions {
  /** Defaults to Keras's `sequential`, `sequential_1`, ... */
  name?: string;
}

/** What Keras 2 accepts as a Sequential item: a layer, or a `keras.Input(...)` tensor (or an InputLayer) fixing the input shape. */
export type SequentialItem = tfl.layers.Layer | tfl.SymbolicTensor;

function isInputLayer(item: tfl.layers.Layer): boolean {
  return item.getClassName() === "InputLayer" && item.inboundNodes.length === 1;
}

/**
 * A linear stack of layers (Python `keras.Sequential`).
 *
 * @example
 * const model = new keras.Sequential([
 *   new keras.layers.Dense(512, { activation: "relu", inputShape: [784] }),
 *   new keras.layers.Dropout(0.2),
 *   new keras.layers.Dense(10),
 * ]);
 * model.summary();
 */
export class Sequential extends withKerasModelApi(tfl.Sequential) {
  constructor(layers: SequentialItem[] = [], options: SequentialOptions = {}) {
    super({ name: options.name ?? uniqueName("sequential") });
    for (const item of layers) this.addItem(item);
  }

  /** A `keras.Input` given first, waiting for the first layer to be connected to it. */
  private pendingInput: tfl.SymbolicTensor | undefined;

  private addItem(item: SequentialItem): void {
    if (item instanceof tfl.SymbolicTensor || isInputLayer(item)) {
      // Keras 2 allows `Sequential([keras.Input(shape), ...])` and `Sequential(functional.layers)`, whose first
      // item is an InputLayer; like Keras, the InputLayer is not listed in `layers` (nor in the summary).
      if (this.layers.length > 0 || this.pendingInput)
        throw new Error("keras.Input(...) or an InputLayer can only be the first item of a Sequential model; move it to the front of the list.");
      this.pendingInput = item instanceof tfl.SymbolicTensor ? item : item.inboundNodes[0]!.outputTensors[0]!;
      return;
    }
    if (this.pendingInput) {
      // Connect the layer to the input, so tfjs takes the model's input from it; a layer taken from a
      // functional model may already be connected to exactly that input.
      const connected = item.inboundNodes.length === 1 && item.inboundNodes[0]!.inputTensors[0] === this.pendingInput;
      if (!connected) item.apply(this.pendingInput);
      this.pendingInput = undefined;
    }
    this.add(item);
  }

  /** Python `model.get_config()`: a plain object in Keras spelling (snake_case). */
  override getConfig(): JsonObject {
    return sequentialConfigWithInputLayer(this, kerasModelConfig(this, super.getConfig()));
  }
  /** Python `Sequential.from_config(config)` (also tfjs's `fromConfig(cls, config)`). */
  static override fromConfig<M extends Sequential>(this: new (...args: never[]) => M, config: object, options?: FromConfigOptions): M;
  // The Keras form comes first so `X.fromConfig(config)` is typed; the tfjs form takes `any` so a subclass may
  // declare Keras's `static fromConfig(config: MyConfig): MyClass` without a type error.
  static override fromConfig(clsOrConfig: any, ...rest: any[]): any;
  static override fromConfig(...args: unknown[]): unknown {
    return modelFromConfigArguments(this, Sequential, "Sequential", args, super.fromConfig.bind(this) as never);
  }

  /** Python `model.predict(x)`: a Sequential model has one output, so one tensor. */
  override predict(x: tfc.Tensor | tfc.Tensor[], args?: Parameters<tfl.LayersModel["predict"]>[1]): tfc.Tensor {
    return super.predict(x, args) as tfc.Tensor;
  }
}

// Users subclass it; it is not itself a user class (see library-classes.ts).
markLibraryClass(Sequential);
registerKerasClasses({ Sequential });
