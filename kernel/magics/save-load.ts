import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { MagicContext, MagicDefinition } from "../../lib/magics/registry.js";
import { UsageError } from "../../lib/magics/registry.js";
import { display } from "../../lib/display/display.js";
import { unquote } from "./arguments.js";

const formats = ["h5", "keras", "savedmodel", "tf", "tfjs"] as const;
type SaveFormatName = (typeof formats)[number];

/** Splits a magic line into words; "double" or 'single' quotes keep spaces in a path. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]!);
}

/** Library errors can span lines (stack-like details); a magic's error is one line. */
function oneLine(error: unknown): string {
  return String((error as Error)?.message ?? error).replace(/\s*\n\s*/g, " ");
}

function notebookModel(name: string): tfl.LayersModel {
  const scope = globalThis as Record<string, unknown>;
  if (!/^[A-Za-z_$][\w$]*$/.test(name) || !(name in scope) || scope[name] === undefined) {
    throw new UsageError(`No variable named "${name}" in the notebook. Give the name of a model defined in an earlier cell, e.g. %save model my_model.keras`);
  }
  const value = scope[name] as Partial<tfl.LayersModel> | null;
  if (value === null || typeof value !== "object" || !Array.isArray(value.layers) || typeof value.getWeights !== "function") {
    throw new UsageError(
      `"${name}" is not a Keras model (a ${value === null ? "null" : typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value}): %save takes a model such as new keras.Sequential([...]).`,
    );
  }
  return value as tfl.LayersModel;
}

function bytesOnDisk(path: string): number {
  if (!existsSync(path)) {
    // A checkpoint prefix: its .index and .data-* files.
    const folder = join(path, "..");
    const prefix = basename(path);
    return readdirSync(folder)
      .filter((file) => file === `${prefix}.index` || file.startsWith(`${prefix}.data-`))
      .reduce((sum, file) => sum + statSync(join(folder, file)).size, 0);
  }
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(path).reduce((sum, entry) => sum + bytesOnDisk(join(path, entry)), 0);
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/** Names for the usage errors below; what a save wrote is named by the library's answer. */
const formatNames: Record<"savedmodel" | "tfjs", string> = { savedmodel: "TensorFlow SavedModel directory", tfjs: "TensorFlow.js model.json directory" };

interface SaveArguments {
  model: string;
  path: string;
  format?: SaveFormatName;
  weightsOnly: boolean;
}

function parseSave(line: string): SaveArguments {
  const usage = "Usage: %save MODEL PATH [--format h5|keras|savedmodel|tf|tfjs] [--weights-only]";
  const positional: string[] = [];
  let format: string | undefined;
  let weightsOnly = false;
  const tokens = words(line);
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token === "--weights-only") weightsOnly = true;
    else if (token === "--format") {
      format = tokens[++index];
      if (format === undefined) throw new UsageError(`%save: --format needs a value (${formats.join(", ")}). ${usage}`);
    } else if (token.startsWith("--format=")) format = token.slice("--format=".length);
    else if (token.startsWith("--")) throw new UsageError(`%save: unknown option ${token}. ${usage}`);
    else positional.push(token);
  }
  if (positional.length !== 2)
    throw new UsageError(`%save needs a model variable and a path, got ${positional.length} argument${positional.length === 1 ? "" : "s"}. ${usage}`);
  if (format !== undefined && !(formats as readonly string[]).includes(format)) {
    throw new UsageError(
      `%save: unknown format "${format}". Expected one of ${formats.join(", ")} (savedmodel and tf both write a SavedModel directory; with --weights-only, tf writes a TensorFlow checkpoint).`,
    );
  }
  return { model: positional[0]!, path: positional[1]!, format: format as SaveFormatName | undefined, weightsOnly };
}

async function saveWeightsOnly(model: tfl.LayersModel, path: string, format: SaveFormatName | undefined): Promise<string> {
  const { keras } = await import("../../lib/index.js");
  if (format === "savedmodel" || format === "tfjs") {
    throw new UsageError(
      `%save --weights-only --format ${format}: a ${formatNames[format]} always holds the architecture. For weights alone use --format tf (TensorFlow checkpoint), h5, or keras (PATH.weights.h5).`,
    );
  }
  if (format === "keras" && !/\.weights\.h5$/i.test(path)) {
    throw new UsageError(`%save --weights-only --format keras writes Keras 3 weights, whose file name must end in .weights.h5 (got ${path}).`);
  }
  const saveFormat = format === "h5" || format === "keras" ? "h5" : format === "tf" ? "tf" : undefined;
  // The library says what it wrote; the magic never re-derives the suffix rule.
  return (await keras.saving.saveWeights(model, path, { saveFormat })).description;
}

/** `--custom-objects A,B=b`: notebook variables (classes or functions) the saved config names. */
function customObjectsFrom(list: string): Record<string, unknown> {
  const scope = globalThis as Record<string, unknown>;
  const objects: Record<string, unknown> = {};
  for (const entry of list
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [key, variable = key] = entry.split("=").map((part) => part.trim()) as [string, string?];
    if (!/^[A-Za-z_$][\w$]*$/.test(variable) || scope[variable] === undefined) {
      throw new UsageError(
        `%load --custom-objects: no variable named "${variable}" in the notebook. Define the class or function in an earlier cell, then list it (NAME or SavedName=NAME, comma-separated).`,
      );
    }
    objects[key!] = scope[variable];
  }
  return objects;
}

interface LoadArguments {
  path: string;
  name: string;
  customObjects?: string;
}

function parseLoad(line: string): LoadArguments {
  const usage = "Usage: %load PATH [as NAME] [--custom-objects Class1,Class2,SavedName=variable]";
  const positional: string[] = [];
  let customObjects: string | undefined;
  const tokens = words(line);
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token === "--custom-objects") {
      customObjects = tokens[++index];
      if (customObjects === undefined) throw new UsageError(`%load: --custom-objects needs a comma-separated list of notebook variables. ${usage}`);
    } else if (token.startsWith("--custom-objects=")) customObjects = token.slice("--custom-objects=".length);
    else if (token.startsWith("--")) throw new UsageError(`%load: unknown option ${token}. ${usage}`);
    else positional.push(token);
  }
  const [path, as, name, ...rest] = positional;
  if (!path || (as !== undefined && (as !== "as" || name === undefined)) || rest.length > 0) throw new UsageError(`%load: could not read "${line}". ${usage}`);
  const chosen = name ?? variableNameFor(path);
  if (!/^[A-Za-z_$][\w$]*$/.test(chosen)) throw new UsageError(`%load: "${chosen}" is not a valid variable name. ${usage}`);
  return { path, name: chosen, customObjects };
}

/** `models/mnist-cnn.keras` → `mnist_cnn`; folders and prefixes likewise. */
function variableNameFor(path: string): string {
  const stem = basename(path.replace(/[\\/]+$/, ""))
    .replace(/\.(weights\.h5|h5|hdf5|keras|json)$/i, "")
    .replace(/[^\w$]/g, "_");
  return /^[A-Za-z_$]/.test(stem) ? stem : `_${stem}`;
}

/** Where %load leaves the model for the one-line cell that binds it (typed) in the notebook. */
const loadedSlot = Symbol.for("tskeras.magics.loaded");

async function bindVariable(name: string, model: unknown, context: MagicContext): Promise<void> {
  const store = globalThis as Record<symbol, unknown>;
  store[loadedSlot] = model;
  try {
    await context.runCode(
      `const ${name}: Awaited<ReturnType<typeof import("tskeras").keras.models.loadModel>> = (globalThis as any)[Symbol.for("tskeras.magics.loaded")];`,
    );
  } finally {
    delete store[loadedSlot];
  }
}

/** A loaded model is a keras.Model (keras.models.loadModel makes it one), which displays as its summary. */
async function displaySummary(model: tfl.LayersModel): Promise<void> {
  await display(model);
}

/** %save and %load: model files one magic away, written and read by the library's own savers and loaders. */
export const saveLoadMagics: MagicDefinition[] = [
  {
    name: "save",
    help: "%save MODEL PATH [--format h5|keras|savedmodel|tf|tfjs] [--weights-only] saves a model variable (the format follows PATH's suffix unless given; savedmodel/tf write a SavedModel folder; --weights-only writes weights alone: tf → TensorFlow checkpoint, h5 → HDF5, keras → PATH.weights.h5).",
    line: async (line, context) => {
      const { model: name, path: rawPath, format, weightsOnly } = parseSave(line);
      const path = unquote(rawPath);
      const model = notebookModel(name);
      let written: string;
      try {
        // Like checkpoint saves, a magic save creates the folder it writes into.
        mkdirSync(dirname(path), { recursive: true });
        if (weightsOnly) written = await saveWeightsOnly(model, path, format);
        else {
          const { keras } = await import("../../lib/index.js");
          written = (await keras.saving.saveModel(model, path, { saveFormat: format === "savedmodel" ? "tf" : format })).description;
        }
      } catch (error) {
        if (error instanceof UsageError) throw error;
        throw new UsageError(`%save ${name} ${path}: ${oneLine(error)}`);
      }
      context.print(`Saved ${name} to ${path} (${written}, ${formatSize(bytesOnDisk(path))}).\n`);
    },
  },
  {
    name: "load",
    help: "%load PATH [as NAME] [--custom-objects A,B,Saved=variable] loads a Keras model (.h5, .keras, SavedModel folder, tfjs model.json) into the variable NAME (default: the file's name) and shows its summary.",
    line: async (line, context) => {
      const { path: rawPath, name, customObjects } = parseLoad(line);
      const path = unquote(rawPath);
      if (!existsSync(path))
        throw new UsageError(`%load: ${path} does not exist (looked in ${process.cwd()}). Give the path of a .h5, .keras, SavedModel folder or model.json.`);
      const options = customObjects ? { customObjects: customObjectsFrom(customObjects) } : {};
      const { keras } = await import("../../lib/index.js");
      let model: tfl.LayersModel;
      try {
        model = await keras.models.loadModel(path, options as Parameters<typeof keras.models.loadModel>[1]);
      } catch (error) {
        throw new UsageError(`%load ${path}: ${oneLine(error)}`);
      }
      await bindVariable(name, model, context);
      context.print(`Loaded ${path} as ${name}.\n`);
      await displaySummary(model);
    },
  },
];
