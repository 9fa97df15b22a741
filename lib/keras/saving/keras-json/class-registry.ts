import { serialization } from "@tensorflow/tfjs-core";
import { canonicalClassName } from "./normalize.js";
import { isJsonObject, isKerasObject, type JsonValue, type KerasObjectConfig } from "../../../formats/keras-json/schema.js";

/** Constructors a user can supply for classes tskeras does not know (tfjs serializable classes). */
export type CustomObjects = Record<string, serialization.SerializableConstructor<serialization.Serializable>>;

/** A class named in a config that no registry knows. */
export interface UnknownClass {
  className: string;
  registeredName: string | null;
  module: string | null;
  /** A class (default) or a function (an activation saved by name). */
  kind?: "class" | "function";
}

/** How a user lists a file's variables and config without rebuilding its model, in a notebook or a shell. */
export function inspectHint(source?: string): string {
  const file = source ?? "PATH";
  return `%inspect ${file} in a notebook, or npx tskeras inspect ${file}`;
}

/** Error raised when a config names a class that is neither built in nor registered. */
export class UnknownKerasClassError extends Error {
  readonly unknownClasses: UnknownClass[];

  /** @param source the file the config came from, named at the start of the message */
  constructor(unknownClasses: UnknownClass[], source?: string) {
    const first = unknownClasses[0]!;
    const describe = (entry: UnknownClass) =>
      `${entry.kind === "function" ? "activation function" : "class"} "${entry.className}"${entry.registeredName && entry.registeredName !== entry.className ? ` (registered in Python as "${entry.registeredName}")` : ""}`;
    const names = unknownClasses.map(describe).join(", ");
    // A saved `package>name` is registered back as package and name; the object is known by the whole string.
    const [packageName, bareName] = (first.registeredName ?? first.className).includes(">")
      ? ((first.registeredName ?? first.className).split(">", 2) as [string, string])
      : ["Custom", first.className];
    const key = /^[A-Za-z_$][\w$]*$/.test(first.className) ? first.className : JSON.stringify(first.className);
    const function_ = first.kind === "function";
    const object = function_ ? "myFunction" : "MyClass";
    super(
      `${source ? `${source}: ` : ""}Cannot rebuild the model: unknown ${names}. tskeras only rebuilds ${function_ ? "functions and classes" : "classes"} it knows or that you register. ` +
        (function_
          ? `Write the function in TypeScript (function myFunction(x: tf.Tensor): tf.Tensor { ... }) and make it known under its saved name in one of three ways: `
          : `Write a TypeScript class for it and make it known in one of three ways: `) +
        `pass it in the customObjects argument (keras.models.loadModel(path, { customObjects: { ${key}: ${object} } }), ` +
        `keras.models.modelFromJSON(json, { ${key}: ${object} }), keras.Model.fromConfig(config, { customObjects: { ${key}: ${object} } })), ` +
        `run the call inside keras.utils.customObjectScope({ ${key}: ${object} }, () => ...), ` +
        `or register it once with keras.saving.registerKerasSerializable({ package: "${packageName}", name: "${bareName}" })(${object}). ` +
        `The variables and config can still be read without ${function_ ? "it" : "the class"}: ${inspectHint(source)}.`,
    );
    this.name = "UnknownKerasClassError";
    this.unknownClasses = unknownClasses;
  }
}

/** Special Keras 3 class names that are values, not classes. */
const valueClassNames = new Set(["__keras_tensor__", "__tensor__", "__numpy__", "__bytes__", "__slice__", "__ellipsis__", "__typespec__", "function"]);

/**
 * Lists every class in a config (layers, nested models, initializers, ...) that neither tfjs's
 * registry nor `customObjects` resolves. Checks the raw config so the names match the file.
 *
 * @example
 * const missing = findUnknownClasses(config);
 * if (missing.length > 0) throw new UnknownKerasClassError(missing);
 */
export function findUnknownClasses(config: KerasObjectConfig, customObjects: CustomObjects = {}): UnknownClass[] {
  const known = serialization.SerializationMap.getMap().classNameMap;
  const unknown = new Map<string, UnknownClass>();
  const visit = (value: JsonValue): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!isJsonObject(value)) return;
    if (isKerasObject(value) && !valueClassNames.has(value.class_name) && !/Policy$/.test(value.class_name)) {
      const registeredName = typeof value.registered_name === "string" ? value.registered_name : null;
      const resolvable = [canonicalClassName(value.class_name), registeredName, `Custom>${value.class_name}`].some(
        (name) => name !== null && (name in known || name in customObjects),
      );
      if (!resolvable && !unknown.has(value.class_name)) {
        unknown.set(value.class_name, { className: value.class_name, registeredName, module: typeof value.module === "string" ? value.module : null });
      }
    }
    for (const entry of Object.values(value)) visit(entry);
  };
  visit(config as unknown as JsonValue);
  return [...unknown.values()];
}
