import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCells, streamText } from "../engine/run-cells.js";

/**
 * The docs' modules / custom layers / subclassed model cells, translated to TypeScript without casts,
 * type-check and run in the kernel (the engine type-checks every cell).
 */
describe("kernel cells: tf.Module, tf.Variable, custom layers and subclassed models", () => {
  it("type-check without casts and print what the docs print", () => {
    const reports = runCells(
      [
        `import { tf, keras } from "tskeras";
class SimpleModule extends tf.Module {
  aVariable = new tf.Variable(5.0, { name: "train_me" });
  nonTrainableVariable = new tf.Variable(5.0, { trainable: false, name: "do_not_train_me" });
  call(x: tf.Tensor) { return this.aVariable.mul(x).add(this.nonTrainableVariable); }
}
const simpleModule = new SimpleModule({ name: "simple" });
console.log(simpleModule.call(tf.scalar(5.0)).dataSync()[0]);
console.log(simpleModule.trainableVariables.map((v) => v.name).join(","));
console.log(simpleModule.variables.map((v) => v.name).join(","));`,
        `class Linear extends keras.layers.Layer {
  w!: tf.Variable;
  b!: tf.Variable;
  constructor(readonly units = 32) { super(); }
  override build(inputShape: (number | null)[]) {
    this.w = this.addWeight({ shape: [inputShape.at(-1)!, this.units], initializer: "random_normal", trainable: true });
    this.b = this.addWeight({ shape: [this.units], initializer: "zeros", trainable: true });
  }
  override call(inputs: tf.Tensor) { return tf.add(tf.matMul(inputs, this.w), this.b); }
}
class MyModel extends keras.Model {
  dense = new keras.layers.Dense(4, { activation: "relu" });
  head = new Linear(1);
  override call(x: tf.Tensor) { return this.head.apply(this.dense.apply(x)); }
}
const model = new MyModel();
model.compile({ optimizer: "adam", loss: "mse" });
const history = await model.fit(tf.ones([8, 3]), tf.ones([8, 1]), { epochs: 2, verbose: 0 });
console.log(history.history.loss.length, model.weights.length, model.layers.map((layer) => layer.name).join(","));
const v = new tf.Variable([1, 2]);
console.log(JSON.stringify(v.assignAdd([1, 1]).numpy()));`,
      ],
      { workingDirectory: mkdtempSync(join(tmpdir(), "tskeras-core-cells-")), timeoutMs: 120_000 },
    );
    for (const report of reports) assert.equal(report.outcome.status, "ok", JSON.stringify(report.outcome));
    // Docs: 30.0; trainable (train_me:0,); all (train_me:0, do_not_train_me:0).
    assert.equal(streamText(reports[0]!), "30\ntrain_me:0\ntrain_me:0,do_not_train_me:0\n");
    // 2 epochs; Dense kernel+bias and Linear w+b; the tracked layers in assignment order.
    assert.match(streamText(reports[1]!), /^2 4 dense(_\d+)?,linear(_\d+)?\n\[2,3\]\n$/);
  });
});
