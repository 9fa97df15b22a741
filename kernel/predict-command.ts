import { readFileSync } from "node:fs";

export const predictUsage = "predict PATH --input a.npy [--input b.npy ...] --output out.json [--unsafe]";

interface PredictArguments {
  modelPath: string;
  inputs: string[];
  output: string;
  unsafe: boolean;
}

function parseArguments(args: string[]): PredictArguments | string {
  const inputs: string[] = [];
  let output: string | undefined;
  let modelPath: string | undefined;
  let unsafe = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "--input" || arg === "--output") {
      const value = args[++index];
      if (value === undefined) return `${arg} needs a file name.`;
      if (arg === "--input") inputs.push(value);
      else output = value;
    } else if (arg === "--unsafe") unsafe = true;
    else if (arg.startsWith("--")) return `unknown option ${arg}.`;
    else if (modelPath === undefined) modelPath = arg;
    else return `only one model path is accepted (got "${modelPath}" and "${arg}").`;
  }
  if (modelPath === undefined) return "a model path is needed (a .h5, .keras or model.json file).";
  if (inputs.length === 0) return "at least one --input FILE.npy is needed (one per model input, in model input order).";
  if (output === undefined) return "--output FILE.json is needed.";
  return { modelPath, inputs, output, unsafe };
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
  const [{ tf, keras }, { readNpy }, { writeFileAtomic }] = await Promise.all([import("../lib/index.js"), import("../lib/formats/npy.js"), import("../lib/io/atomic-file.js")]);
  const model = await keras.models.loadModel(parsed.modelPath, { safeMode: !parsed.unsafe, compile: false });
  if (parsed.inputs.length !== model.inputs.length) {
    console.error(`tskeras predict: the model has ${model.inputs.length} inputs (${model.inputs.map((input) => `${input.name} ${JSON.stringify(input.shape)}`).join(", ")}) but ${parsed.inputs.length} --input files were given. Pass one .npy per input, in this order.`);
    return 2;
  }
  const tensors = parsed.inputs.map((file) => {
    const array = readNpy(readFileSync(file), file);
    const values = array.values instanceof Float32Array ? array.values : Float32Array.from(array.values as ArrayLike<number>, Number);
    return tf.tensor(values, array.shape, "float32");
  });
  const result = model.predict(tensors.length === 1 ? tensors[0]! : tensors);
  const outputs = (Array.isArray(result) ? result : [result]).map((tensor) => ({ shape: tensor.shape, dtype: "float32", values: Array.from(tensor.dataSync()) }));
  writeFileAtomic(parsed.output, JSON.stringify({ outputs }));
  return 0;
}
