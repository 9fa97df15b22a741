/**
 * One engine of `npm run bench -- training`: trains the MLP or the CNN with tskeras on the backend
 * TSKERAS_BACKEND selects and prints {"backend", "version", "rates": samples/s per epoch, "cpuRates":
 * samples per CPU-second per epoch} as JSON.
 * Usage: node dist/bench/training/tskeras-worker.js mlp|cnn SAMPLES EPOCHS [--tfjs-batch-matmul] [--run-eagerly]
 */
import { tf, keras } from "../../lib/index.js";
import { unpatchWasmBatchMatMul } from "../../lib/backend/wasm-batch-matmul.js";

const [modelName = "mlp", samplesArgument = "2048", epochsArgument = "3"] = process.argv.slice(2);
const samples = Number(samplesArgument);
const epochs = Number(epochsArgument);
// The wasm BatchMatMul as tfjs 4.22 ships it, to show what tskeras's replacement gains.
if (process.argv.includes("--tfjs-batch-matmul")) unpatchWasmBatchMatMul();

function buildModel(): keras.Sequential {
  if (modelName === "cnn") {
    return new keras.Sequential([
      new keras.layers.Conv2D(32, 3, { activation: "relu", inputShape: [28, 28, 1] }),
      new keras.layers.MaxPooling2D(),
      new keras.layers.Flatten(),
      new keras.layers.Dense(10),
    ]);
  }
  return new keras.Sequential([
    new keras.layers.Dense(512, { activation: "relu", inputShape: [784] }),
    new keras.layers.Dropout(0.2),
    new keras.layers.Dense(10),
  ]);
}

class EpochTimer extends keras.callbacks.Callback {
  rates: number[] = [];
  /** Per second of this process's CPU time: what a shared machine's load does not change (for one thread). */
  cpuRates: number[] = [];
  private started = 0;
  private cpuStarted = process.cpuUsage();
  override onEpochBegin(): void {
    this.started = performance.now();
    this.cpuStarted = process.cpuUsage();
  }
  override onEpochEnd(): void {
    this.rates.push(samples / ((performance.now() - this.started) / 1000));
    const cpu = process.cpuUsage(this.cpuStarted);
    this.cpuRates.push(samples / ((cpu.user + cpu.system) / 1e6));
  }
}

const x = tf.randomUniform(modelName === "cnn" ? [samples, 28, 28, 1] : [samples, 784]);
const y = tf.randomUniform([samples], 0, 10, "int32");
const model = buildModel();
// --run-eagerly: tfjs's op-by-op optimizer update (compile's runEagerly), to show what the fused step gains.
model.compile({
  optimizer: "adam",
  loss: new keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
  runEagerly: process.argv.includes("--run-eagerly"),
});
await model.fit(tf.slice(x, 0, 256), tf.slice(y, 0, 256), { epochs: 1, batchSize: 32, verbose: 0 }); // warm-up
const timer = new EpochTimer();
await model.fit(x, y, { epochs, batchSize: 32, verbose: 0, callbacks: [timer] });
const backend = tf.getBackend();
const version = backend === "tensorflow" ? `TF ${(tf.backend() as unknown as { binding: { TF_Version: string } }).binding.TF_Version}` : "tfjs 4.22";
process.stdout.write(JSON.stringify({ backend, version, rates: timer.rates, cpuRates: timer.cpuRates }));
