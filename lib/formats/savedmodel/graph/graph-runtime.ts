/**
 * Runs a SavedModel's top-level graph and its function library in TypeScript.
 *
 * The top-level graph of a TF2 SavedModel is small: placeholders for signature inputs,
 * `VarHandleOp`s for variables, and one `StatefulPartitionedCall` per signature that
 * calls a function of the library. Function bodies may call further functions. Values
 * are tfjs tensors or variable handles; each op maps to a kernel in `kernels/`.
 *
 * @example
 * ```ts
 * const runtime = new GraphRuntime(metaGraph.graph_def!, {
 *   opDefinitions: metaGraph.meta_info_def?.stripped_op_list?.op ?? [],
 *   bindVariable: (node) => handles.get(node.name)!,
 * });
 * const [y] = runtime.runGraph(new Map([["serving_default_x", tf.scalar(2)]]), ["StatefulPartitionedCall:0"]);
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";
import type { FunctionDef, GraphDef, NodeDef, OpDef } from "../../protobuf/messages.js";
import { NodeAttributes } from "./attributes.js";
import { parseFunctionEdge, parseGraphEdge } from "./edge-names.js";
import { findKernel, supportedOps } from "./kernels/op-registry.js";
import { NodeEvaluator } from "./node-evaluator.js";
import { OutputLayouts } from "./output-layout.js";
import type { GraphValue, VariableHandle } from "./values.js";
import { tensorFromProto } from "../tensor-proto.js";

export interface GraphRuntimeOptions {
  /** Op definitions known from the MetaGraph (its stripped op list). */
  opDefinitions: OpDef[];
  /** Resolves a top-level `VarHandleOp` node to the variable it names. */
  bindVariable: (node: NodeDef) => VariableHandle;
}

export class GraphRuntime {
  private readonly functions = new Map<string, FunctionDef>();
  private readonly graphNodes = new Map<string, NodeDef>();
  private readonly layouts: OutputLayouts;
  /** Const values decoded once and kept across calls (they can be large frozen weights). */
  private readonly constants = new Map<NodeDef, tf.Tensor>();

  constructor(
    graph: GraphDef,
    private readonly options: GraphRuntimeOptions,
  ) {
    for (const node of graph.node) this.graphNodes.set(node.name, node);
    for (const definition of graph.library?.function ?? []) this.functions.set(definition.signature.name, definition);
    const functionSignatures = [...this.functions.values()].map((definition) => definition.signature);
    this.layouts = new OutputLayouts([...options.opDefinitions, ...functionSignatures]);
  }

  hasFunction(name: string): boolean {
    return this.functions.has(name);
  }

  functionDefinition(name: string): FunctionDef | undefined {
    return this.functions.get(name);
  }

  /**
   * Evaluates `fetches` (edge names such as `StatefulPartitionedCall:0`) in the top-level
   * graph, with `feeds` giving the outputs of placeholder nodes by node name.
   */
  runGraph(feeds: ReadonlyMap<string, tf.Tensor>, fetches: string[]): GraphValue[] {
    const dependenciesOf = (node: NodeDef): string[] =>
      node.input
        .map(parseGraphEdge)
        .filter((edge) => !edge.control)
        .map((edge) => edge.node);
    const evaluator: NodeEvaluator = new NodeEvaluator(
      this.graphNodes,
      dependenciesOf,
      (node) => {
        const inputs = node.input
          .map(parseGraphEdge)
          .filter((edge) => !edge.control)
          .map((edge) => pick(evaluator.outputsOf(edge.node), edge.index, node.name, edge.node));
        return this.runNode(node, inputs, "the top-level graph");
      },
      "the top-level graph",
    );
    for (const [name, value] of feeds) evaluator.provide(name, [value]);
    return fetches.map((fetch) => {
      const edge = parseGraphEdge(fetch);
      return pick(evaluator.outputsOf(edge.node), edge.index, undefined, edge.node);
    });
  }

  /** Calls a library function with flat inputs; returns its outputs in signature order. */
  callFunction(name: string, inputs: GraphValue[]): GraphValue[] {
    const definition = this.functions.get(name);
    if (definition === undefined) {
      throw new Error(`Function "${name}" is called but is not in the SavedModel's function library.`);
    }
    const signature = definition.signature;
    if (signature.input_arg.length !== inputs.length) {
      throw new Error(
        `Function "${name}" takes ${signature.input_arg.length} inputs (${signature.input_arg.map((argument) => argument.name).join(", ")}) ` +
          `but was called with ${inputs.length}.`,
      );
    }
    const argumentValues = new Map<string, GraphValue>();
    signature.input_arg.forEach((argument, index) => argumentValues.set(argument.name, inputs[index]!));
    const argumentNames = new Set(argumentValues.keys());
    const bodyNodes = new Map(definition.node_def.map((node) => [node.name, node] as const));
    const where = `function "${name}"`;

    // Control edges count too: a read after an assignment (`^AssignVariableOp`) must see it.
    const dependenciesOf = (node: NodeDef): string[] =>
      node.input
        .map((text) => parseFunctionEdge(text, argumentNames))
        .flatMap((edge) => (edge.kind === "output" || edge.kind === "control" ? [edge.node] : []));

    const resolve = (text: string, consumer: string | undefined): GraphValue[] => {
      const edge = parseFunctionEdge(text, argumentNames);
      if (edge.kind === "control") return [];
      if (edge.kind === "argument") return [argumentValues.get(edge.name)!];
      const producer = bodyNodes.get(edge.node)!;
      const outputs = evaluator.outputsOf(edge.node);
      const offset = this.layouts.offsetOf(producer, edge.outputArg);
      if (edge.index !== undefined) return [pick(outputs, offset + edge.index, consumer, edge.node)];
      const length = this.layouts.lengthOf(producer, edge.outputArg) ?? outputs.length - offset;
      return outputs.slice(offset, offset + length);
    };

    const evaluator: NodeEvaluator = new NodeEvaluator(
      bodyNodes,
      dependenciesOf,
      (node) =>
        this.runNode(
          node,
          node.input.flatMap((text) => resolve(text, node.name)),
          where,
        ),
      where,
    );
    const outputs = signature.output_arg.map((argument) => {
      const source = definition.ret[argument.name];
      if (source === undefined) {
        throw new Error(`Function "${name}" declares output "${argument.name}" but its ret map does not say where it comes from.`);
      }
      return resolve(source, undefined)[0]!;
    });
    // Stateful nodes the function must run even though no output needs them (AssignVariableOp, ...).
    for (const node of Object.values(definition.control_ret ?? {})) evaluator.outputsOf(node);
    return outputs;
  }

  /** Frees the cached Const values. */
  dispose(): void {
    this.constants.forEach((tensor) => tensor.dispose());
    this.constants.clear();
  }

  private constant(node: NodeDef, where: string): tf.Tensor {
    let value = this.constants.get(node);
    if (value === undefined) {
      const proto = new NodeAttributes(node).tensor("value");
      try {
        value = tf.keep(tensorFromProto(proto));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`Const node "${node.name}" in ${where} could not be decoded: ${message}`, { cause: error });
      }
      this.constants.set(node, value);
    }
    return value;
  }

  private runNode(node: NodeDef, inputs: GraphValue[], where: string): GraphValue[] {
    if (node.op === "Placeholder" || node.op === "PlaceholderWithDefault") {
      if (node.op === "PlaceholderWithDefault" && inputs[0] !== undefined) return [inputs[0]];
      throw new Error(`Placeholder "${node.name}" in ${where} was not fed. Pass every input the signature lists (see inspectSavedModel).`);
    }
    if (node.op === "VarHandleOp") return [this.options.bindVariable(node)];
    if (node.op === "Const") return [this.constant(node, where)];
    if (this.functions.has(node.op)) return this.callFunction(node.op, inputs);
    const kernel = findKernel(node.op);
    if (kernel === undefined) {
      throw new Error(
        `Op "${node.op}" (node "${node.name}" in ${where}) is not supported by the TypeScript SavedModel runtime. ` +
          `It runs ${supportedOps().length} ops (listed by supportedOps()); export the model without this op, ` +
          `or add a kernel for it in lib/formats/savedmodel/graph/kernels/.`,
      );
    }
    try {
      return kernel({
        node,
        inputs,
        attributes: new NodeAttributes(node),
        callFunction: (name, callInputs) => this.callFunction(name, callInputs),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.includes(`"${node.name}"`) || message.startsWith("Function ") || message.startsWith("Op ")) throw error;
      throw new Error(`Node "${node.name}" (op ${node.op}) in ${where} failed: ${message}`, { cause: error });
    }
  }
}

function pick(outputs: GraphValue[], index: number, consumer: string | undefined, producer: string): GraphValue {
  const value = outputs[index];
  if (value === undefined) {
    const user = consumer === undefined ? "" : ` (needed by "${consumer}")`;
    throw new Error(`Node "${producer}" has ${outputs.length} outputs; output ${index} does not exist${user}.`);
  }
  return value;
}
