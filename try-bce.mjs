import * as tfc from "@tensorflow/tfjs-core";
const keras = await import("/work/wt-bce/dist/lib/keras/index.js");
const { selectBackend } = await import("/work/wt-bce/dist/lib/backend/select.js"); process.env.TSKERAS_BACKEND="wasm"; await selectBackend();
const x = tfc.ones([8,4]); const y = tfc.ones([8,3]);
for (const [act, loss] of [["linear","mse"],["softmax","mse"],["softmax","binary_crossentropy"],["relu","binary_crossentropy"]]) {
  const m = new keras.Sequential([new keras.layers.Dense(3,{activation:act,inputShape:[4]})]);
  m.compile({optimizer:tfc.train.sgd(0.1), loss});
  await m.fit(x,y,{batchSize:2,epochs:1,verbose:0}); await m.evaluate(x,y,{batchSize:2,verbose:0});
  const a = tfc.memory().numTensors;
  await m.fit(x,y,{batchSize:2,epochs:2,verbose:0});
  const b = tfc.memory().numTensors;
  await m.evaluate(x,y,{batchSize:2,verbose:0});
  const c = tfc.memory().numTensors;
  console.log(act, loss, b-a, c-b);
}
