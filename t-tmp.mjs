import { keras, tf } from "./dist/lib/index.js";
import { CustomModel } from "./dist/test/keras-files/custom-object-definitions.js";
const x = tf.randomNormal([12, 5], 0, 1, "float32", 7);
const y = tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2], "int32");
if (process.argv[2] === "save") {
  const m = new CustomModel([8, 4]);
  m.compile({ optimizer: tf.train.adam(0.01, 0.8, 0.99, 1e-6), loss: "sparse_categorical_crossentropy" });
  await m.fit(x, y, { epochs: 2, verbose: 0, batchSize: 4 });
  await m.save("/tmp/sio/cm.keras");
  console.log(Array.from(m.predict(x).dataSync()).slice(0, 4), m.getWeights().map(w => w.dataSync()[0]));
} else {
  const l = await keras.models.loadModel("/tmp/sio/cm.keras", { customObjects: { CustomModel } });
  console.log(Array.from(l.predict(x).dataSync()).slice(0, 4), l.getWeights().map(w => w.dataSync()[0]));
}
