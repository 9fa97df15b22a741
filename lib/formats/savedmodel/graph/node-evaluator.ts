/**
 * Evaluates the nodes a set of targets depends on, each once, in dependency order.
 * Shared by top-level graphs and function bodies, which differ only in how an input
 * name points at another node. Iterative (no recursion), so deep graphs cannot
 * overflow the call stack.
 *
 * @example
 * ```ts
 * const evaluator = new NodeEvaluator(nodesByName, dependenciesOf, runNode, "graph");
 * const outputs = evaluator.outputsOf("StatefulPartitionedCall"); // [tensor]
 * ```
 */
import type { NodeDef } from "../../protobuf/messages.js";
import type { GraphValue } from "./values.js";

export class NodeEvaluator {
  private readonly results = new Map<string, GraphValue[]>();

  /**
   * @param nodes every node of the graph or function body, by name
   * @param dependenciesOf names of the nodes whose outputs `node` reads (control edges excluded)
   * @param runNode computes a node's outputs once its dependencies are evaluated
   * @param where "graph" or `function "<name>"`, for error messages
   */
  constructor(
    private readonly nodes: ReadonlyMap<string, NodeDef>,
    private readonly dependenciesOf: (node: NodeDef) => string[],
    private readonly runNode: (node: NodeDef) => GraphValue[],
    private readonly where: string,
  ) {}

  /** Pre-sets a node's outputs (a fed placeholder); its own inputs are then never evaluated. */
  provide(nodeName: string, outputs: GraphValue[]): void {
    this.results.set(nodeName, outputs);
  }

  outputsOf(nodeName: string): GraphValue[] {
    const cached = this.results.get(nodeName);
    if (cached !== undefined) return cached;
    this.evaluate(nodeName);
    return this.results.get(nodeName)!;
  }

  private nodeNamed(name: string, neededBy: string | undefined): NodeDef {
    const node = this.nodes.get(name);
    if (node === undefined) {
      const reason = neededBy === undefined ? "was requested" : `is an input of "${neededBy}"`;
      throw new Error(`Node "${name}" ${reason} but does not exist in ${this.where}. The SavedModel graph is inconsistent.`);
    }
    return node;
  }

  /**
   * Depth-first post-order walk with an explicit stack. A node may be pushed twice (two
   * consumers) and is then skipped the second time; only a node that is still being
   * expanded further up the current path means a cycle.
   */
  private evaluate(target: string): void {
    const stack: Array<{ node: NodeDef; expanded: boolean }> = [{ node: this.nodeNamed(target, undefined), expanded: false }];
    const expanding = new Set<string>();
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const name = top.node.name;
      if (this.results.has(name)) {
        stack.pop();
        continue;
      }
      if (top.expanded) {
        this.results.set(name, this.runNode(top.node));
        expanding.delete(name);
        stack.pop();
        continue;
      }
      top.expanded = true;
      expanding.add(name);
      for (const dependency of this.dependenciesOf(top.node)) {
        if (this.results.has(dependency)) continue;
        if (expanding.has(dependency)) {
          throw new Error(`Node "${dependency}" in ${this.where} depends on itself (a cycle). Loops (While/NextIteration) are not supported.`);
        }
        stack.push({ node: this.nodeNamed(dependency, name), expanded: false });
      }
    }
  }
}
