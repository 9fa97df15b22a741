import { isJsonObject, isKerasObject, isSerializedFunction, type JsonValue, type KerasObjectConfig } from "../../formats/keras-json/schema.js";
import { inspectHint } from "./keras-json/class-registry.js";

/** One piece of a config that would carry or reach code if a Python loader honoured it. */
export interface UnsafeFinding {
  /** Where in the config, e.g. `config.layers[2]`. */
  location: string;
  /** Name of the layer or object holding it, when it has one. */
  objectName: string | null;
  kind: "lambda-bytecode" | "lambda-function-reference" | "serialized-lambda" | "external-function" | "non-modeling-api" | "savedmodel-layer";
  detail: string;
}

/** Error raised when safe mode refuses a config. Nothing in the config has been run. */
export class UnsafeConfigError extends Error {
  readonly findings: UnsafeFinding[];

  /** @param source the file the config came from, named at the start of the message */
  constructor(findings: UnsafeFinding[], source?: string) {
    const lines = findings.map((finding) => `  - ${finding.location}${finding.objectName ? ` (${finding.objectName})` : ""}: ${finding.detail}`);
    super(
      `${source ? `${source}: ` : ""}Refused to load the model: its config carries code, which safe mode disallows.\n${lines.join("\n")}\n` +
        `Nothing from the file was executed (tskeras never runs Python code). If you trust the file and have a TypeScript ` +
        `implementation for these objects, register it (customObjects) and load with { safeMode: false }. ` +
        `Variables and config can be examined safely with ${inspectHint(source)}.`,
    );
    this.name = "UnsafeConfigError";
    this.findings = findings;
  }
}

/** Keras API entry points that are not model building blocks (their use in a config is an attack). */
const nonModelingNames = new Set([
  "enable_unsafe_deserialization",
  "load_model",
  "load_weights",
  "save_model",
  "get_file",
  "load_img",
  "save_img",
  "exec",
  "eval",
  "system",
  "popen",
]);
const nonModelingModules = [/^keras\.(src\.)?config\b/, /^keras\.(src\.)?saving\b/, /^keras\.(src\.)?models\b/, /^keras\.(src\.)?utils\b/];

/** Python modules whose functions are part of the Keras API (activations, losses...). */
function isKerasModule(module: string): boolean {
  return /^(keras|tf_keras|tensorflow\.keras|keras_hub|keras_nlp|keras_cv)(\.|$)/.test(module);
}

/**
 * Lists everything in a Keras config that carries or references executable code. Pure inspection:
 * it reads JSON and never decodes or runs payloads.
 *
 * @example
 * const findings = findUnsafeContent(modelConfig);
 * // [{ kind: "lambda-bytecode", objectName: "lambda", ... }]
 */
export function findUnsafeContent(config: KerasObjectConfig): UnsafeFinding[] {
  const findings: UnsafeFinding[] = [];
  const visit = (value: JsonValue, location: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${location}[${index}]`));
      return;
    }
    if (!isJsonObject(value)) return;
    if (isKerasObject(value)) inspectObject(value, location, findings);
    else if (isSerializedFunction(value))
      inspectFunction(value.config, typeof value.module === "string" ? value.module : null, location || "(root)", null, findings);
    for (const [key, entry] of Object.entries(value)) visit(entry, location ? `${location}.${key}` : key);
  };
  visit(config as unknown as JsonValue, "");
  return findings;
}

function inspectObject(object: KerasObjectConfig, location: string, findings: UnsafeFinding[]): void {
  const config = isJsonObject(object.config) ? object.config : {};
  const objectName = typeof config["name"] === "string" ? config["name"] : null;
  const module = typeof object.module === "string" ? object.module : null;
  const where = location || "(root)";
  if (object.class_name === "Lambda") {
    const functionType = config["function_type"];
    const payload = config["function"];
    if (functionType === "lambda" || Array.isArray(payload) || (typeof payload === "string" && functionType !== "function")) {
      const size = JSON.stringify(payload ?? null).length;
      findings.push({
        location: where,
        objectName,
        kind: "lambda-bytecode",
        detail: `Lambda layer with marshalled Python bytecode (${size} characters of payload)`,
      });
    } else {
      const functionModule = typeof config["module"] === "string" ? config["module"] : "unknown module";
      findings.push({
        location: where,
        objectName,
        kind: "lambda-function-reference",
        detail: `Lambda layer calling Python function ${JSON.stringify(payload)} from ${functionModule}`,
      });
    }
  } else if (object.class_name === "__lambda__") {
    findings.push({ location: where, objectName, kind: "serialized-lambda", detail: "serialized Python lambda (__lambda__) with marshalled bytecode" });
  } else if (object.class_name === "TFSMLayer") {
    findings.push({ location: where, objectName, kind: "savedmodel-layer", detail: "TFSMLayer, which loads and runs an external SavedModel" });
  }
  const modelClass = modelClassNames.has(object.class_name) && module !== null && /^keras\.(src\.)?models\b/.test(module);
  if (nonModelingNames.has(object.class_name) || (!modelClass && module !== null && nonModelingModules.some((pattern) => pattern.test(module)))) {
    findings.push({
      location: where,
      objectName,
      kind: "non-modeling-api",
      detail: `reference to ${module ?? "?"}.${object.class_name}, which is not a model building block`,
    });
  }
}

/** Model classes Keras 3 writes with a `keras.models` module (`keras.src.models.functional` for Functional); the module's functions stay refused. */
const modelClassNames = new Set(["Functional", "Sequential", "Model"]);

function inspectFunction(name: string, module: string | null, where: string, objectName: string | null, findings: UnsafeFinding[]): void {
  if (nonModelingNames.has(name) || (module !== null && nonModelingModules.some((pattern) => pattern.test(module)))) {
    findings.push({
      location: where,
      objectName,
      kind: "non-modeling-api",
      detail: `reference to ${module ?? "?"}.${name}, which is not a model building block`,
    });
  } else if (module !== null && module !== "builtins" && !isKerasModule(module)) {
    // Keras 3 writes a user's plain function (a custom activation) with module "builtins": it is a name that
    // only the loader's own custom objects resolve, so it reaches no code from the file.
    findings.push({ location: where, objectName, kind: "external-function", detail: `function ${name} from Python module ${module}, outside the Keras API` });
  }
}

/**
 * Throws {@link UnsafeConfigError} when `safeMode` is on (the default) and the config carries code.
 *
 * @example
 * assertSafeConfig(modelConfig); // throws for Lambda layers with bytecode
 */
export function assertSafeConfig(config: KerasObjectConfig, options: { safeMode?: boolean; source?: string } = {}): void {
  if (options.safeMode === false) return;
  const findings = findUnsafeContent(config);
  if (findings.length > 0) throw new UnsafeConfigError(findings, options.source);
}
