import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const predictUsage = "predict PATH --input a.npy [--input b.npy ...] --output out.json [--unsafe] [--signature NAME] [--config ARCHITECTURE.json]";

interface PredictArguments {
  modelPath: string;
  inputs: string[];
  output: string;
  unsafe: boolean;
  /** Run this signature of a SavedModel directory instead of rebuilding a Keras model. */
  signature?: string;
  /** A Keras `to_json()` architecture; PATH is then its `save_weights()` .h5. */
  config?: string;
}

function parseArguments(args: string[]): PredictArguments | string {
  const inputs: string[] = [];
  let output: string | undefined;
  let modelPath: string | undefined;
  let unsafe = false;
  let signature: string | undefined;
  let config: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "--input" || arg === "--output" || arg === "--signature" || arg === "--config") {
      const value = args[++index];
      if (value === undefined) return `${arg} needs a ${arg === "--signature" ? "signature name" : "file name"}.`;
      if (arg === "--input") inputs.push(value);
      else if (arg === "--signature") signature = value;
      else if (arg === "--config") config = value;
      else output = value;
    } else if (arg === "--unsafe") unsafe = true;
    else if (arg.startsWith("--")) return `unknown option ${arg}.`;
    else if (modelPath === undefined) modelPath = arg;
    else return `only one model path is accepted (got "${modelPath}" and "${arg}").`;
  }
  if (modelPath === undefined) return "a model path is needed (a .h5, .keras or model.json file).";
  if (inputs.length === 0) return "at least one --input FILE.npy is needed (one per model input, in model input order).";
  if (output === undefined) return "--output FILE.json is needed.";
  return { modelPath, inputs, output, unsafe, ...(signature === undefined ? {} : { signature }), ...(config === undefined ? {} : { config }) };
}

/**
 * `tskeras predict PATH --input a.npy ... --output out.json [--unsafe]`: loads a saved model (safe
 * mode unless `--unsafe`), runs `predict` on the `.npy` inputs in model input order and writes
 * `{"outputs": [{"shape", "dtype": "float32", "values"}]}` in model output order.
 */
export async function predictCommand(args: string[]): Promise<number> {
  const parsed = parseArguments(args);
  if (typeof parsed === "string") {
    console.error(`tskeras predict: ${parsed}\nusage: tskeras ${predictUsage}`);
    return 2;
  }
  const [{ tf, keras }, { readNpy }, { writeFileAtomic }] = await Promise.all([
    import("../lib/index.js"),
    import("../lib/formats/npy.js"),
    import("../lib/io/atomic-file.js"),
  ]);
  if (parsed.signature !== undefined) return runSignature(parsed, parsed.signature);
  // A SavedModel without keras_metadata.pb (model.export(), tf.saved_model.save) has no Keras model to rebuild: run serving_default.
  if (existsSync(join(parsed.modelPath, "saved_model.pb")) && !existsSync(join(parsed.modelPath, "keras_metadata.pb")))
    return runSignature(parsed, "serving_default");
  const { findArchitectureAndWeights, loadArchitectureWithWeights } = await import("../lib/inspect/index.js");
  const pair = parsed.config !== undefined ? { architecture: parsed.config, weights: parsed.modelPath } : findArchitectureAndWeights(parsed.modelPath);
  const model =
    pair !== undefined
      ? await loadArchitectureWithWeights(pair.architecture, pair.weights)
      : await keras.models.loadModel(parsed.modelPath, { safeMode: !parsed.unsafe, compile: false });
  if (parsed.inputs.length !== model.inputs.length) {
    console.error(
      `tskeras predict: the model has ${model.inputs.length} inputs (${model.inputs.map((input) => `${input.name} ${JSON.stringify(input.shape)}`).join(", ")}) but ${parsed.inputs.length} --input files were given. Pass one .npy per input, in this order.`,
    );
    return 2;
  }
  const tensors = parsed.inputs.map((file) => {
    const array = readNpy(readFileSync(file), file);
    const values = array.values instanceof Float32Array ? array.values : Float32Array.from(array.values as ArrayLike<number>, Number);
    return tf.tensor(values, array.shape, "float32");
  });
  const result = model.predict(tensors.length === 1 ? tensors[0]! : tensors);
  const outputs = (Array.isArray(result) ? result : [result]).map((tensor) => ({
    shape: tensor.shape,
    dtype: "float32",
    values: Array.from(tensor.dataSync()),
  }));
  writeFileAtomic(parsed.output, JSON.stringify({ outputs }));
  return 0;
}

/**
 * `--signature NAME` on a SavedModel directory: runs the signature's graph (no Keras class needed).
 * Inputs are `name=file.npy` or plain files in the signature's input-name order; outputs are written
 * as `{"outputs": [{"name", "shape", "dtype", "values"}]}` in output-name order.
 */
async function runSignature(parsed: PredictArguments, signatureName: string): Promise<number> {
  const [{ tf }, { readNpy }, { writeFileAtomic }, { loadSavedModel }] = await Promise.all([
    import("../lib/index.js"),
    import("../lib/formats/npy.js"),
    import("../lib/io/atomic-file.js"),
    import("../lib/formats/savedmodel/index.js"),
  ]);
  const loaded = await loadSavedModel(parsed.modelPath);
  try {
    const signature = loaded.signatures[signatureName];
    if (signature === undefined) {
      console.error(
        `tskeras predict: ${parsed.modelPath} has no signature "${signatureName}"; it has ${Object.keys(loaded.signatures).sort().join(", ") || "none"}.`,
      );
      return 2;
    }
    const inputNames = Object.keys(signature.inputs).sort();
    const feeds: Record<string, import("@tensorflow/tfjs-core").Tensor> = {};
    for (const [position, argument] of parsed.inputs.entries()) {
      const named = /^([A-Za-z_][\w.-]*)=(.+)$/.exec(argument);
      const name = named ? named[1]! : inputNames[position];
      const file = named ? named[2]! : argument;
      if (name === undefined || !(name in signature.inputs)) {
        console.error(
          `tskeras predict: signature "${signatureName}" has inputs ${inputNames.join(", ")}; "${argument}" matches none. Pass --input NAME=file.npy or one file per input in this order.`,
        );
        return 2;
      }
      const array = readNpy(readFileSync(file), file);
      const dtype = signature.inputs[name]!.dtype.startsWith("int") ? "int32" : "float32";
      feeds[name] = tf.tensor(Array.from(array.values as ArrayLike<number>, Number), array.shape, dtype);
    }
    const missing = inputNames.filter((name) => !(name in feeds));
    if (missing.length > 0) {
      console.error(`tskeras predict: signature "${signatureName}" also needs ${missing.join(", ")}. Pass --input NAME=file.npy for each.`);
      return 2;
    }
    const results = signature(feeds);
    const outputs = Object.keys(results)
      .sort()
      .map((name) => ({ name, shape: results[name]!.shape, dtype: results[name]!.dtype, values: Array.from(results[name]!.dataSync()) }));
    writeFileAtomic(parsed.output, JSON.stringify({ outputs }));
    return 0;
  } finally {
    loaded.dispose();
  }
}
