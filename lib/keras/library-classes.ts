/**
 * Which classes are the user's: Keras asks custom layers and models for `get_config` when it must
 * rebuild them from a config (SavedModels written with `save_traces=False`), while built-in classes
 * always have one. A class is the user's when it derives from a library class without being one:
 * tskeras's own classes mark themselves here, and tfjs-layers' built-in classes are those in its
 * registry when this module is first evaluated (at library import, before any user code runs).
 *
 * @example
 * userClassChain(new MyModel());           // [MyModel]
 * userClassLacksGetConfig(new MyModel());  // true unless MyModel (or a user base class) defines getConfig
 */
import * as tfc from "@tensorflow/tfjs-core";
// Evaluated first, so its built-in classes are in the registry snapshot below.
import "@tensorflow/tfjs-layers";

type Constructor = abstract new (...args: never[]) => unknown;

const libraryClasses = new WeakSet<object>(
  Object.values(tfc.serialization.SerializationMap.getMap().classNameMap).map((entry) => entry[0] as unknown as object),
);

/** Marks one of tskeras's classes (Layer, Model, the Keras-named layers, ...) as a library class. */
export function markLibraryClass(cls: Constructor): void {
  libraryClasses.add(cls);
}

/** Whether `cls` is one of tskeras's or tfjs-layers' own classes (not the user's). */
export function isLibraryClass(cls: Function): boolean {
  return libraryClasses.has(cls);
}

/** The user-defined classes of an object, from its own class up to (not including) the first library class. */
export function userClassChain(object: object): Constructor[] {
  const chain: Constructor[] = [];
  let cls = object.constructor as Constructor | undefined;
  while (typeof cls === "function" && cls !== Object && !libraryClasses.has(cls)) {
    chain.push(cls);
    cls = Object.getPrototypeOf(cls) as Constructor | undefined;
  }
  // No library class up the chain: not a Keras object at all, so nothing of it is the user's to configure.
  return typeof cls === "function" && cls !== Object ? chain : [];
}

/** Whether the object is of a user class that neither it nor a user base class gives a `getConfig`. */
export function userClassLacksGetConfig(object: object): boolean {
  const chain = userClassChain(object);
  return chain.length > 0 && !chain.some((cls) => Object.hasOwn(cls.prototype, "getConfig"));
}

/** The name Keras writes for an object's class: the registered `className` when set, else the JavaScript name. */
export function kerasClassName(object: object): string {
  const cls = object.constructor as { className?: unknown; name: string };
  return Object.hasOwn(cls, "className") && typeof cls.className === "string" && cls.className !== "" ? cls.className : cls.name;
}
