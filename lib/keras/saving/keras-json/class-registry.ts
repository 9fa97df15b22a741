import { serialization } from "@tensorflow/tfjs-core";
import { canonicalClassName } from "./normalize.js";
import { isJsonObject, isKerasObject, type JsonValue, type KerasObjectConfig } from "./schema.js";

/** Constructors a user can supply for classes tskeras does not know (tfjs serializable classes). */
export type CustomObjects = Record<string, serialization.SerializableConstructor<serialization.Serializable>>;

/** A class named in a config that no registry knows. */
export interface UnknownClass {
  className: string;
  registeredName: string | null;
  module: string | null;
}

/** Error raised when a config names a class that is neither built in nor registered. */
export class UnknownKerasClassError extends Error {
  readonly unknownClasses: UnknownClass[];

  /** @param source the file the config came from, named at the start of the message */
  constructor(unknownClasses: UnknownClass[], source?: string) {
    const first = unknownClasses[0]!;
    const names = unknownClasses.map((entry) => `"${entry.className}"${entry.registeredName && entry.registeredName !== entry.className ? ` (registered in Python as "${entry.registeredName}")` : ""}`).join(", ");
    const packageName = first.registeredName?.includes(">") ? first.registeredName.split(">")[0] : "Custom";
    super(
      `${source ? `${source}: ` : ""}Cannot rebuild the model: unknown class ${names}. tskeras only rebuilds classes it knows or that you register. ` +
        `Write a TypeScript class for it and make it known in one of three ways: ` +
        `pass it in the customObjects argument (keras.models.loadModel(path, { customObjects: { ${first.className}: MyClass } }), ` +
        `keras.models.modelFromJSON(json, { ${first.className}: MyClass }), keras.Model.fromConfig(config, { customObjects: { ${first.className}: MyClass } })), ` +
        `run the call inside keras.utils.customObjectScope({ ${first.className}: MyClass }, () => ...), ` +
        `or register it once with keras.saving.registerKerasSerializable({ package: "${packageName}", name: "${first.className}" })(MyClass). ` +
        `The variables and config can still be read without the class: inspectFile(path).`,
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
      const resolvable = [canonicalClassName(value.class_name), registeredName, `Custom>${value.class_name}`].some((name) => name !== null && (name in known || name in customObjects));
      if (!resolvable && !unknown.has(value.class_name)) {
        unknown.set(value.class_name, { className: value.class_name, registeredName, module: typeof value.module === "string" ? value.module : null });
      }
    }
    for (const entry of Object.values(value)) visit(entry);
  };
  visit(config as unknown as JsonValue);
  return [...unknown.values()];
}
