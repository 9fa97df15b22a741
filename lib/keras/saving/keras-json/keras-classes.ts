/**
 * The Keras classes a config is rebuilt with (Dense, Model, Sequential, ...). Each class registers
 * itself where it is defined, so the deserializer imports none of them (the classes import the
 * deserializer for their own `fromConfig`). Registration happens when lib/keras is loaded.
 *
 * @example
 * registerKerasClasses({ Dense, Dropout });      // at the end of layers/index.ts
 * registerKerasClasses({ Functional: Model, Model });
 */
const classes = new Map<string, unknown>();

/** Registers classes under the names Keras configs use for them (`class_name`). */
export function registerKerasClasses(byName: Record<string, unknown>): void {
  for (const [name, cls] of Object.entries(byName)) classes.set(name, cls);
}

/** Registers classes under their static `className` (the name tfjs and Keras configs use); other values are skipped. */
export function registerKerasClassesByClassName(values: Iterable<unknown>): void {
  for (const value of values) {
    const className = typeof value === "function" ? (value as { className?: unknown }).className : undefined;
    if (typeof className === "string" && className !== "Layer") classes.set(className, value);
  }
}

/** The registered classes, by Keras class name. */
export function registeredKerasClasses(): ReadonlyMap<string, unknown> {
  return classes;
}

/** One registered class; a clear error when lib/keras's classes were not loaded (a deep import of the library). */
export function registeredKerasClass(name: string): unknown {
  const cls = classes.get(name);
  if (cls === undefined) {
    throw new Error(
      `The Keras class "${name}" is not registered: its module was not loaded. Import the library through "tskeras" (or lib/keras/index.js), which loads every Keras class.`,
    );
  }
  return cls;
}
