/**
 * Typed reads of a NodeDef's attributes, with errors that name the node.
 *
 * @example
 * ```ts
 * const attributes = new NodeAttributes(node);
 * attributes.bool("transpose_a", false);
 * attributes.string("padding");          // "SAME"
 * attributes.intList("strides");         // [1, 1, 1, 1]
 * ```
 */
import type { AttrValue, NameAttrList, NodeDef, TensorProto } from "../../protobuf/messages.js";

export class NodeAttributes {
  constructor(private readonly node: NodeDef) {}

  private lookup(name: string): AttrValue | undefined {
    return this.node.attr[name];
  }

  private missing(name: string, kind: string): Error {
    return new Error(
      `Node "${this.node.name}" (op ${this.node.op}) has no ${kind} attribute "${name}". ` +
        `The SavedModel may have been written with default attributes stripped for an op this reader does not know.`,
    );
  }

  has(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  int(name: string, fallback?: number): number {
    const value = this.lookup(name)?.i;
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    throw this.missing(name, "int");
  }

  float(name: string, fallback?: number): number {
    const value = this.lookup(name)?.f;
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    throw this.missing(name, "float");
  }

  bool(name: string, fallback?: boolean): boolean {
    const value = this.lookup(name)?.b;
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    throw this.missing(name, "bool");
  }

  string(name: string, fallback?: string): string {
    const value = this.lookup(name)?.s;
    if (value !== undefined) return new TextDecoder().decode(value);
    if (fallback !== undefined) return fallback;
    throw this.missing(name, "string");
  }

  type(name: string, fallback?: number): number {
    const value = this.lookup(name)?.type;
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    throw this.missing(name, "type");
  }

  intList(name: string, fallback?: number[]): number[] {
    const value = this.lookup(name)?.list?.i;
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    throw this.missing(name, "list(int)");
  }

  floatList(name: string, fallback?: number[]): number[] {
    const value = this.lookup(name)?.list?.f;
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    throw this.missing(name, "list(float)");
  }

  typeList(name: string): number[] {
    return this.lookup(name)?.list?.type ?? [];
  }

  tensor(name: string): TensorProto {
    const value = this.lookup(name)?.tensor;
    if (value !== undefined) return value;
    throw this.missing(name, "tensor");
  }

  func(name: string): NameAttrList {
    const value = this.lookup(name)?.func;
    if (value?.name !== undefined) return value;
    throw this.missing(name, "func");
  }
}
