#!/usr/bin/env node
/**
 * The `tskeras` command. Each subcommand loads only what it needs, so `tskeras kernel` starts fast.
 */
const usage = `usage: tskeras COMMAND [ARGS]

  install [--user|--sys-prefix|--prefix P]   install the Jupyter kernelspec "tskeras"
  kernel --connection-file FILE                run the kernel (what Jupyter starts)
  run NOTEBOOK.ipynb|DIR ... [--output DIR] [--html] [-p NAME VALUE] [--jobs N]
      [--check|--update] [--junit FILE] [--sanitize FILE] [--lax]
                                               execute notebooks headless; --check compares outputs
                                               with the committed ones (tskeras run --help)
  start [OUTPUT_DIR]                           run the tutorial notebooks (npm start)
  inspect PATH [--json] [--config ARCH.json]   format, producer, model and variables of a saved model
                                         (PATH may be a folder with a to_json() .json and a save_weights() .h5)
  predict PATH --input a.npy [--input b.npy] --output out.json [--unsafe] [--signature NAME] [--config ARCH.json]
                                         run a saved model on .npy inputs (--signature: a SavedModel signature,
                                         serving_default when the SavedModel has no Keras metadata)
  backend [status|install [--from PYTHON_OR_WHEEL] [--gpu]|remove]   the native TensorFlow backend`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  async install(args) {
    const { installKernelSpec } = await import("./install.js");
    const directory = installKernelSpec(args);
    console.log(`Installed the kernelspec "tskeras" in ${directory}`);
    return 0;
  },
  async kernel(args) {
    const index = args.indexOf("--connection-file");
    const path = index >= 0 ? args[index + 1] : undefined;
    if (!path) {
      console.error(`tskeras kernel needs --connection-file FILE (Jupyter passes it).\n${usage}`);
      return 2;
    }
    const [{ readConnectionFile }, { Kernel }] = await Promise.all([import("./protocol/connection-file.js"), import("./kernel.js")]);
    const kernel = new Kernel({ connection: readConnectionFile(path), workingDirectory: process.cwd() });
    await kernel.start();
    return new Promise<number>(() => {}); // runs until a shutdown request ends the process
  },
  async run(args) {
    const { runCommand } = await import("./runner/run-command.js");
    return runCommand(args);
  },
  async inspect(args) {
    const path = args.find((arg) => !arg.startsWith("--"));
    if (!path) {
      console.error(`tskeras inspect needs a path: a .h5/.keras file, a checkpoint prefix, a SavedModel folder or a model.json.\n${usage}`);
      return 2;
    }
    const [{ describeSavedFile, variableMapOf }, { renderVariableMap }] = await Promise.all([
      import("../lib/inspect/index.js"),
      import("../lib/display/renderers/variable-map.js"),
    ]);
    // A Keras to_json() architecture beside its save_weights() .h5 (a folder, or PATH.h5 --config ARCH.json).
    const configIndex = args.indexOf("--config");
    const { findArchitectureAndWeights, loadArchitectureWithWeights, inspectSavedModel, formatSavedModelInspection } = await import("../lib/inspect/index.js");
    const pair = configIndex >= 0 && args[configIndex + 1] ? { architecture: args[configIndex + 1]!, weights: path } : findArchitectureAndWeights(path);
    if (pair !== undefined) {
      await import("../lib/index.js"); // picks the tfjs backend the model is built on
      const model = await loadArchitectureWithWeights(pair.architecture, pair.weights);
      const parameters = model.weights.reduce((total, weight) => total + weight.shape.reduce((product: number, size) => product * (size ?? 1), 1), 0);
      const summary = {
        format: "keras-architecture+weights",
        architecture: pair.architecture,
        weights: pair.weights,
        model: { className: model.getClassName(), name: model.name, layers: model.layers.length, parameters },
      };
      console.log(
        args.includes("--json")
          ? JSON.stringify(summary, null, 2)
          : `model: ${summary.model.className} "${model.name}" from ${pair.architecture} (to_json) + ${pair.weights} (save_weights): ${summary.model.layers} layers, ${parameters} parameters`,
      );
      return 0;
    }
    const description = await describeSavedFile(path);
    if (args.includes("--json")) console.log(JSON.stringify(description, null, 2));
    else {
      if (description.model) console.log(`model: ${description.model.className}${description.model.name ? ` "${description.model.name}"` : ""}`);
      // SavedModels: tags, signatures and variables like `saved_model_cli show --all`.
      if (description.format === "tf-savedmodel") {
        console.log(formatSavedModelInspection(inspectSavedModel(path)));
      } else console.log(renderVariableMap(variableMapOf(path, description))["text/plain"]);
    }
    return 0;
  },
  backend: async (args) => (await import("./backend-command.js")).backendCommand(args),
  predict: async (args) => (await import("./predict-command.js")).predictCommand(args),
  async start(args) {
    const { startCommand } = await import("./runner/start-command.js");
    return startCommand(args);
  },
};

const [name, ...rest] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.error(name && name !== "--help" && name !== "-h" ? `tskeras: unknown command "${name}"\n${usage}` : usage);
  process.exit(name === "--help" || name === "-h" ? 0 : 2);
}
try {
  process.exitCode = await command(rest);
} catch (error) {
  console.error(`tskeras ${name}: ${(error as Error).message}`);
  process.exitCode = 1;
}
