/**
 * Where tskeras looks up classes and functions that are not built in, in Keras's order: the
 * `customObjects` argument, then `customObjectScope` blocks (innermost first), then objects
 * registered with `registerKerasSerializable` (by `package>Name`, or by bare name for files that
 * stored only the class name).
 *
 * @example
 * registerCustomObject(MyLayer, "MyLayers", "MyLayer");
 * resolveCustomObject("MyLayers>MyLayer", "MyLayer", {}); // MyLayer
 */

/** A user class (constructor) or function (e.g. an activation) known by name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CustomObject = ((...args: any[]) => any) | (abstract new (...args: any[]) => any);

/** Name → class or function, as Python's `custom_objects` dict. */
export type CustomObjectMap = Record<string, CustomObject>;

const registeredByName = new Map<string, CustomObject>();
const namesByObject = new Map<CustomObject, string>();
const scopes: CustomObjectMap[] = [];

/** Registers `object` as `package>name` (Keras's `register_keras_serializable`). */
export function registerCustomObject(object: CustomObject, packageName: string, name: string): string {
  const registeredName = `${packageName}>${name}`;
  const existing = registeredByName.get(registeredName);
  if (existing !== undefined && existing !== object) {
    throw new Error(
      `"${registeredName}" is already registered for another object. Pick another package or name: registerKerasSerializable({ package: "${packageName}", name: "Other" }).`,
    );
  }
  registeredByName.set(registeredName, object);
  namesByObject.set(object, registeredName);
  return registeredName;
}

/** The `package>Name` an object was registered under, or undefined. */
export function registeredNameOf(object: unknown): string | undefined {
  return namesByObject.get(object as CustomObject);
}

/** The registered object for a `package>Name`, or undefined. */
export function registeredObject(registeredName: string): CustomObject | undefined {
  return registeredByName.get(registeredName);
}

/** Runs `body` with `objects` visible to deserialization; async bodies keep them until they settle. */
export function withCustomObjectScope<T>(objects: CustomObjectMap, body: () => T): T {
  scopes.push(objects);
  let result: T;
  try {
    result = body();
  } catch (error) {
    removeScope(objects);
    throw error;
  }
  if (result instanceof Promise) {
    return result.finally(() => removeScope(objects)) as T;
  }
  removeScope(objects);
  return result;
}

function removeScope(objects: CustomObjectMap): void {
  const index = scopes.lastIndexOf(objects);
  if (index >= 0) scopes.splice(index, 1);
}

/**
 * Finds the object a config names: by registered name, then by class name, in the argument, the
 * scopes and the registry; finally a registered `*>className` (files that stored only the bare name).
 */
export function resolveCustomObject(registeredName: string | null, className: string, argument: CustomObjectMap = {}): CustomObject | undefined {
  const sources = [argument, ...[...scopes].reverse()];
  for (const name of [registeredName, className]) {
    if (name === null) continue;
    for (const source of sources) if (Object.hasOwn(source, name)) return source[name];
    const registered = registeredByName.get(name);
    if (registered !== undefined) return registered;
  }
  for (const [name, object] of registeredByName) if (name.endsWith(`>${className}`)) return object;
  return undefined;
}

/** Every registered `package>Name` with its object. */
export function registeredEntries(): [string, CustomObject][] {
  return [...registeredByName.entries()];
}
