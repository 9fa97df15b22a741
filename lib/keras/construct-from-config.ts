/**
 * Keras's default `from_config` is `cls(**config)`: config keys fill the constructor's parameters by
 * name and the rest go to `**kwargs`. A TypeScript class following the API convention spells that
 * `constructor(units = 32, options = {})` — positional parameters, then one options object — so
 * `new cls(config)` would put the whole config into `units` (the "[32, [object Object]]" shape a
 * custom layer's build then saw). Here a user class whose constructor names parameters after config
 * keys gets them by name, and its trailing options object gets the remaining keys, as Python does.
 * Constructors taking one options object (`constructor({ units = 32, ...options })`) still receive
 * the config whole.
 *
 * @example
 * class CustomLayer extends keras.layers.Layer { constructor(units = 32, options = {}) { ... } }
 * constructFromConfig(CustomLayer, { name: "c", units: 4 }); // new CustomLayer(4, { name: "c" })
 */
import { isLibraryClass } from "./library-classes.js";

type Constructor = new (...args: unknown[]) => unknown;

/** The parameter list of the nearest class (from `cls` up to the first library class) declaring a constructor. */
function constructorParameters(cls: Function): string | undefined {
  for (
    let current: Function | null = cls;
    typeof current === "function" && current !== Function.prototype && !isLibraryClass(current);
    current = Object.getPrototypeOf(current) as Function | null
  ) {
    const source = Function.prototype.toString.call(current);
    const start = source.search(/\bconstructor\s*\(/);
    if (start < 0) continue;
    const open = source.indexOf("(", start);
    let depth = 0;
    for (let index = open; index < source.length; index++) {
      const char = source[index];
      if (char === "(" || char === "[" || char === "{") depth++;
      else if (char === ")" || char === "]" || char === "}") depth--;
      if (depth === 0) return source.slice(open + 1, index);
    }
    return undefined;
  }
  return undefined;
}

/** Splits a parameter list at its top-level commas; each entry is the parameter's name, or undefined for a pattern or rest. */
function parameterNames(list: string): Array<string | undefined> {
  const names: Array<string | undefined> = [];
  let depth = 0;
  let current = "";
  for (const char of `${list},`) {
    if (char === "(" || char === "[" || char === "{") depth++;
    else if (char === ")" || char === "]" || char === "}") depth--;
    if (char === "," && depth === 0) {
      const text = current.trim();
      if (text !== "") names.push(/^[A-Za-z_$][\w$]*/.exec(text)?.[0]);
      current = "";
    } else current += char;
  }
  return names;
}

const camelToSnake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** `new cls(...)` from a Keras config, filling named constructor parameters from config keys (see above). */
export function constructFromConfig<T>(cls: new (...args: never[]) => T, config: Record<string, unknown>): T {
  const list = isLibraryClass(cls) ? undefined : constructorParameters(cls);
  const names = list === undefined ? [] : parameterNames(list);
  const keyOf = (name: string | undefined) =>
    name === undefined ? undefined : name in config ? name : camelToSnake(name) in config ? camelToSnake(name) : undefined;
  const matched = names.map(keyOf);
  // No parameter named after a key: the constructor takes the config as its options object.
  if (!matched.some((key) => key !== undefined)) return new (cls as unknown as Constructor)(config) as T;
  const rest: Record<string, unknown> = { ...config };
  for (const key of matched) if (key !== undefined) delete rest[key];
  const args = names.map((_name, index) => (matched[index] !== undefined ? config[matched[index]!] : undefined));
  // A last parameter that matches no key is the options object (Python's **kwargs) and takes the other keys.
  const last = names.length - 1;
  if (matched[last] === undefined) args[last] = rest;
  return new (cls as unknown as Constructor)(...args) as T;
}
