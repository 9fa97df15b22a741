import * as tfc from "@tensorflow/tfjs-core";
import { snakeCase } from "../util/naming.js";
import { isPlainContainer, onAttributeSet } from "./tracking/attribute-tracking.js";

const listenersKey = Symbol("tskeras.moduleListeners");

/** Saveable values whose assignment a pending restore wants to hear about. */
function isSaveable(value: unknown): boolean {
  return (
    value instanceof tfc.Variable ||
    value instanceof Module ||
    (typeof value === "object" && value !== null && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype))
  );
}

export interface ModuleOptions {
  /** Python `name=`; defaults to the snake_case class name (`SimpleModule` → `simple_module`). */
  name?: string;
}

/** Leaves of a nested value: arrays in order, plain objects by sorted key (as `tf.nest` flattens dicts). */
function flattenLeaves(value: unknown, into: unknown[], seen = new Set<unknown>()): unknown[] {
  // Plain containers are looked into (Python lists, tuples and dicts); other objects are leaves.
  if (!isPlainContainer(value)) {
    into.push(value);
    return into;
  }
  if (seen.has(value)) return into;
  seen.add(value);
  const items = Array.isArray(value)
    ? value
    : Object.keys(value)
        .sort()
        .map((key) => value[key]);
  for (const item of items) flattenLeaves(item, into, seen);
  return into;
}

/**
 * Walks a module the way TensorFlow's `tf.Module` does: its own properties in sorted name order
 * (looking into arrays and plain objects), yielding the leaves `match` accepts, then the submodules
 * found, recursively. Each object is yielded once.
 */
function* walkModule(module: Module, match: (leaf: unknown) => boolean, seen: Set<unknown>, stack: Set<Module>): Generator<unknown> {
  if (stack.has(module)) return;
  stack.add(module);
  const submodules: Module[] = [];
  const properties = module as unknown as Record<string, unknown>;
  for (const key of Object.keys(properties).sort()) {
    for (const leaf of flattenLeaves(properties[key], [])) {
      if (typeof leaf !== "object" || leaf === null || seen.has(leaf)) continue;
      seen.add(leaf);
      if (match(leaf)) yield leaf;
      if (leaf instanceof Module) submodules.push(leaf);
    }
  }
  for (const submodule of submodules) yield* walkModule(submodule, match, seen, stack);
  stack.delete(module);
}

/**
 * Python `tf.Module` (doc "Introduction to modules"): a named container whose variables and
 * submodules are found automatically from its properties, recursively. Python's `module(x)` is
 * `module.call(x)` here; create variables lazily in `call` as the docs' `FlexibleDenseModule` does.
 *
 * @example
 * class SimpleModule extends tf.Module {
 *   aVariable = new tf.Variable(5.0, { name: "train_me" });
 *   nonTrainableVariable = new tf.Variable(5.0, { trainable: false, name: "do_not_train_me" });
 *   call(x: tf.Tensor) { return this.aVariable.mul(x).add(this.nonTrainableVariable); }
 * }
 * const simple = new SimpleModule({ name: "simple" });
 * simple.call(tf.scalar(5)).dataSync();        // [30]
 * simple.trainableVariables.map((v) => v.name); // ["train_me:0"]
 */
export class Module {
  /** The module's name (Python `module.name`). */
  readonly name: string;

  constructor(options: ModuleOptions | string = {}) {
    const name = typeof options === "string" ? options : options.name;
    const chosen = name ?? snakeCase(new.target.name);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(chosen)) {
      throw new Error(
        `"${chosen}" is not a valid module name: use letters, digits, "_", "-" and ".", starting with a letter or "_" (Python identifiers work).`,
      );
    }
    this.name = chosen;
    Object.defineProperty(this, listenersKey, { value: [] as Array<() => void>, enumerable: false });
    // Assignments are observed so a restore made before a lazy build reaches the variables it creates
    // (TensorFlow restores them on creation). The proxy is what the subclass's constructor sees as `this`.
    const announce = (target: Module, value: unknown) => {
      if (!isSaveable(value)) return;
      for (const listener of [...(target as unknown as Record<symbol, Array<() => void>>)[listenersKey]!]) listener();
    };
    // biome-ignore lint/correctness/noConstructorReturn: the proxy observes attribute assignment, as tf.Module tracking does.
    return new Proxy(this, {
      set(target, key, value, receiver) {
        const done = Reflect.set(target, key, value, receiver);
        if (typeof key === "string") announce(target, value);
        return done;
      },
      defineProperty(target, key, descriptor) {
        const done = Reflect.defineProperty(target, key, descriptor);
        if (typeof key === "string" && "value" in descriptor) announce(target, descriptor.value);
        return done;
      },
    });
  }

  /** Registers a listener for saveable property assignments (see attribute-tracking.ts). */
  [onAttributeSet](listener: () => void): void {
    (this as unknown as Record<symbol, Array<() => void>>)[listenersKey]!.push(listener);
  }

  /** Every variable of this module and its submodules (Python `module.variables`). */
  get variables(): tfc.Variable[] {
    return [...walkModule(this, (leaf) => leaf instanceof tfc.Variable, new Set(), new Set())] as tfc.Variable[];
  }

  /** The variables optimizers should train (Python `module.trainable_variables`). */
  get trainableVariables(): tfc.Variable[] {
    return this.variables.filter((variable) => variable.trainable);
  }

  /** The variables not trained (Python `module.non_trainable_variables`). */
  get nonTrainableVariables(): tfc.Variable[] {
    return this.variables.filter((variable) => !variable.trainable);
  }

  /** All modules inside this one, nearest first (Python `module.submodules`). */
  get submodules(): Module[] {
    return [...walkModule(this, (leaf) => leaf instanceof Module, new Set(), new Set())] as Module[];
  }

  /** Python's `__repr__`-like text shown in cells. */
  toString(): string {
    return `<${this.constructor.name} '${this.name}'>`;
  }

  /** The same text for console.log and cell results (lists of submodules read like Python's). */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
