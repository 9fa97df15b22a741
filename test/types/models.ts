// The docs' Python, translated line by line, type-checks with Keras's types and no casts.
// Each `@ts-expect-error` marks a line that must NOT type-check (the check fails if it does).
import { keras, tf } from "tskeras";

declare const x: tf.Tensor;
declare const y: tf.Tensor;

export async function loadedModels(): Promise<void> {
  // keras.models.load_model returns a keras Model: evaluate destructures to numbers.
  const newModel = await keras.models.loadModel("saved_model/my_model");
  newModel.summary();
  const [loss, acc] = await newModel.evaluate(x, y, { verbose: 2 });
  const better: boolean = acc > 0.8 && loss < 1;
  void better;
  const predicted: tf.Tensor = newModel.predict(x);
  // Python's `new_model(x)`: a tensor in, a tensor out.
  const called: tf.Tensor = newModel.apply(x);
  void called;
  void predicted.shape;
  const fromJson = keras.models.modelFromJSON(newModel.toJSON());
  const cloned = keras.models.cloneModel(fromJson);
  const cloneOut: tf.Tensor = cloned.predict(x);
  void cloneOut;
  // save/saveWeights/compile/summary return nothing, like Python's None.
  const saved: void = await newModel.save("m.keras");
  const savedWeights: void = await newModel.saveWeights("ckpt");
  const compiled: void = newModel.compile({ optimizer: "adam", loss: "mse" });
  void [saved, savedWeights, compiled];
  const history = await newModel.fit(x, y, { epochs: 1 });
  const losses: number[] = history.history["loss"]!;
  void losses;
  // @ts-expect-error evaluate's numbers are numbers, not tensors
  (await newModel.evaluate(x, y))[0]!.dataSync();
}

export function functionalPredictTypes(): void {
  const inputs = keras.Input({ shape: [4] });
  const single = new keras.Model(inputs, new keras.layers.Dense(1).apply(inputs));
  const one: tf.Tensor = single.predict(x);
  const twoHeads = new keras.Model({ inputs, outputs: [new keras.layers.Dense(1).apply(inputs), new keras.layers.Dense(2).apply(inputs)] });
  const two: tf.Tensor[] = twoHeads.predict(x);
  // @ts-expect-error a two-output model predicts a list
  const notOne: tf.Tensor = twoHeads.predict(x);
  const sequential = new keras.Sequential([new keras.layers.Dense(1, { inputShape: [4] })]);
  const seqOut: tf.Tensor = sequential.predict(x);
  void [one, two, notOne, seqOut];
}

export async function fromConfig(): Promise<void> {
  const sequential = new keras.Sequential([new keras.layers.Dense(1, { inputShape: [4] })]);
  const rebuilt: keras.Sequential = keras.Sequential.fromConfig(sequential.getConfig());
  const functional: keras.Model = keras.Model.fromConfig(rebuilt.getConfig());
  class MyModel extends keras.Model {}
  const mine: MyModel = MyModel.fromConfig({});
  void [functional, mine];
}

export async function weights(model: keras.Model): Promise<void> {
  // The guide's loop: model weights are variables with assign and a shape of numbers.
  for (const w of model.weights) w.assign(tf.randomNormal(w.shape));
  const first = model.weights[0]!;
  first.assignAdd(tf.onesLike(first.read())).assignSub(1);
  const path: string = first.path;
  const name: string = first.name;
  const trainable: boolean = first.trainable;
  const dtype: tf.DataType = first.dtype;
  const values = first.numpy();
  const dims: number[] = first.shape;
  void [path, name, trainable, dtype, values, dims];
  for (const w of model.trainableWeights) w.assign(tf.zeros(w.shape));
  for (const w of model.variables) void w.path;
  // Module variables are the same kind of thing.
  const v = new tf.Variable(5.0, { name: "v" });
  v.assign(1).assignAdd(2).assignSub(3);
  const vPath: string = v.path;
  const vShape: number[] = v.shape;
  void [vPath, vShape];
  // @ts-expect-error assign takes a value
  first.assign();
}

export async function loadStatus(model: keras.Model, sequential: keras.Sequential): Promise<void> {
  const status = await model.loadWeights("ckpt");
  status.assertConsumed();
  (await sequential.loadWeights("weights.h5")).expectPartial();
  (await model.loadWeights("weights.h5", { byName: true })).assertExistingObjectsMatched();
  const checkpoint = new tf.train.Checkpoint({ model });
  (await checkpoint.restore("ckpts/ckpt-1")).assertConsumed();
  (await checkpoint.read("ckpts/ckpt-1")).expectPartial();
}

class NestedDenseLayer extends keras.layers.Layer {
  dense_1 = new keras.layers.Dense(2);
}

export function getLayer(model: keras.Model): void {
  model.getLayer<NestedDenseLayer>("nested").dense_1.trainable = false;
  const plain: tf.layers.Layer = model.getLayer("dense");
  void plain;
  // @ts-expect-error without the type argument it is a plain Layer
  void model.getLayer("nested").dense_1;
}

export async function savedModelLoad(): Promise<void> {
  // Python: loaded = tf.saved_model.load(path); loaded(x)
  const loaded = await tf.savedModel.load("the_saved_model");
  const out: tf.Tensor = loaded.call(x);
  const other = loaded.functions["multiply"]!(x, y);
  const outputs: Record<string, tf.Tensor> = loaded.signatures["serving_default"]!({ x });
  const variablePaths: string[] = loaded.variables.map((variable) => variable.path);
  void [out, other, outputs, variablePaths];
  // @ts-expect-error saved functions take tensors
  loaded.call("not a tensor");
}

export async function cellResults(model: keras.Sequential): Promise<void> {
  // `fit` gives a History whose values are numbers; `summary` returns nothing.
  const history: keras.KerasHistory = await model.fit(x, y);
  const summary: void = model.summary();
  void [history, summary];
}
