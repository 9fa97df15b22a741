/**
 * `tf.function(fn, { inputSignature })`: TensorFlow's `tf.function` for TypeScript. Calling the
 * result runs `fn` (same tensors as the original); tracing records the tfjs kernels `fn` runs for
 * each input signature into a graph function (a concrete function), which `tf.savedModel.save`
 * writes and `tf.savedModel.load` runs later without `fn` or its class. With an
 * `inputSignature` there is one concrete function; without one, each new input shape/dtype
 * combination seen in a call is traced (as TensorFlow retraces).
 *
 * @example
 * ```ts
 * const v = tf.variable(tf.scalar(2));
 * const f = tf.function((x: tf.Tensor) => tf.mul(x, v), { inputSignature: [new tf.TensorSpec([null], "float32", "x")] });
 * f(tf.tensor1d([1, 2]));                          // [2, 4], eagerly
 * const concrete = f.getConcreteFunction();
 * concrete(tf.tensor1d([1, 2]));                   // [2, 4], through the traced graph
 * ```
 */
import * as tfc from "@tensorflow/tfjs-core";
import { GraphRuntime } from "../../formats/savedmodel/graph/graph-runtime.js";
import { VariableHandle, isTensorList, isVariableHandle, type GraphValue } from "../../formats/savedmodel/graph/values.js";
import type { OpDef } from "../../formats/protobuf/messages.js";
import { TensorSpec } from "./tensor-spec.js";
import { outputArgumentsOf } from "./kernel-ops.js";
import { traceFunction, type TraceableResult, type TracedFunction } from "./trace.js";

export interface TfFunctionOptions {
  /** One spec per positional argument; fixes the single concrete function. */
  inputSignature?: TensorSpec[];
}

/** A traced graph for one input signature, callable with tensors (run by the graph runtime). */
export interface ConcreteTfFunction {
  (...inputs: tfc.Tensor[]): TraceableResult;
  readonly name: string;
  readonly inputSignature: readonly TensorSpec[];
  readonly outputSpecs: readonly TensorSpec[];
  /** The traced graph (TensorFlow FunctionDef) and the variables it captures. */
  readonly traced: TracedFunction;
}

export interface TfFunction<Fn extends (...inputs: tfc.Tensor[]) => TraceableResult = (...inputs: tfc.Tensor[]) => TraceableResult> {
  (...inputs: Parameters<Fn>): ReturnType<Fn>;
  /** The original TypeScript function (Python's `python_function`). */
  readonly pythonFunction: Fn;
  readonly inputSignature: readonly TensorSpec[] | undefined;
  /** The concrete function for specs or example tensors (default: the input signature); traced on first request. */
  getConcreteFunction(...specsOrTensors: Array<TensorSpec | tfc.Tensor>): ConcreteTfFunction;
  /** Every concrete function traced so far, in tracing order (what `tf.savedModel.save` writes). */
  concreteFunctions(): ConcreteTfFunction[];
}

let functionCounter = 0;

export function tfFunction<Fn extends (...inputs: tfc.Tensor[]) => TraceableResult>(fn: Fn, options: TfFunctionOptions = {}): TfFunction<Fn> {
  const traces = new Map<string, ConcreteTfFunction>();
  const baseName = sanitizeName(fn.name || "function");
  const argumentNames = parameterNames(fn);
  const concreteFor = (specs: TensorSpec[]): ConcreteTfFunction => {
    const key = specs.map((spec) => `${spec.dtype}[${spec.shape === null ? "*" : spec.shape.map((size) => size ?? "?").join(",")}]`).join(";");
    let concrete = traces.get(key);
    if (concrete === undefined) {
      const names = specs.map((spec, index) => sanitizeName(spec.name ?? argumentNames[index] ?? `args_${index}`));
      const named = specs.map((spec, index) => new TensorSpec(spec.shape, spec.dtype, spec.name ?? names[index]));
      const traced = traceFunction(fn, named, `__inference_${baseName}_${++functionCounter}`, names);
      concrete = concreteFunction(traced);
      traces.set(key, concrete);
    }
    return concrete;
  };
  const checkSignature = (inputs: tfc.Tensor[]): void => {
    const signature = options.inputSignature;
    if (signature === undefined) return;
    if (inputs.length !== signature.length || inputs.some((input, index) => !signature[index]!.isCompatibleWith(input))) {
      throw new Error(
        `tf.function "${fn.name || "anonymous"}" was called with (${inputs.map((input) => `${input.dtype}[${input.shape.join(", ")}]`).join(", ")}), ` +
          `which does not match its inputSignature [${signature.map(String).join(", ")}]. Pass tensors of these shapes and dtypes, or drop inputSignature to trace per shape.`,
      );
    }
  };
  const call = (...inputs: tfc.Tensor[]): TraceableResult => {
    checkSignature(inputs);
    // Traced on first use of each signature, so saving later has the concrete function.
    concreteFor(options.inputSignature ?? inputs.map((input) => TensorSpec.fromTensor(input)));
    return fn(...inputs);
  };
  return Object.assign(call as unknown as (...inputs: Parameters<Fn>) => ReturnType<Fn>, {
    pythonFunction: fn,
    inputSignature: options.inputSignature,
    getConcreteFunction: (...specsOrTensors: Array<TensorSpec | tfc.Tensor>): ConcreteTfFunction => {
      if (specsOrTensors.length === 0) {
        if (options.inputSignature === undefined)
          throw new Error(`getConcreteFunction() needs specs or tensors when tf.function "${fn.name || "anonymous"}" has no inputSignature.`);
        return concreteFor(options.inputSignature);
      }
      return concreteFor(specsOrTensors.map((item) => (item instanceof TensorSpec ? item : TensorSpec.fromTensor(item))));
    },
    concreteFunctions: (): ConcreteTfFunction[] => {
      // A function with an input signature has its concrete function even before any call.
      if (options.inputSignature !== undefined) concreteFor(options.inputSignature);
      return [...traces.values()];
    },
  });
}

/** Whether a value is a function made by {@link tfFunction}. */
export function isTfFunction(value: unknown): value is TfFunction {
  return typeof value === "function" && typeof (value as Partial<TfFunction>).concreteFunctions === "function" && "pythonFunction" in value;
}

function concreteFunction(traced: TracedFunction): ConcreteTfFunction {
  const runtime = new GraphRuntime({ node: [], library: { function: [traced.definition] } } as never, {
    opDefinitions: opDefinitions(traced.ops),
    bindVariable: () => {
      throw new Error("A traced function has no top-level variables.");
    },
  });
  const run = (...inputs: tfc.Tensor[]): TraceableResult => {
    const handles = traced.captured.map(
      (variable) =>
        new VariableHandle(
          variable.name,
          () => variable,
          (value) => variable.assign(value),
        ),
    );
    const outputs = runTraced(runtime, traced, inputs, handles);
    return restructure(traced, outputs);
  };
  return Object.assign(run, { inputSignature: traced.inputSpecs, outputSpecs: traced.outputSpecs, traced }) as unknown as ConcreteTfFunction;
}

/** Runs a traced function graph; outputs are fresh tensors the caller owns. */
export function runTraced(
  runtime: GraphRuntime,
  traced: { definition: TracedFunction["definition"]; inputSpecs: TensorSpec[] },
  inputs: tfc.Tensor[],
  /** Captured inputs after the arguments: variables, or tensors the function captured as constants. */
  handles: Array<VariableHandle | tfc.Tensor>,
): tfc.Tensor[] {
  const name = traced.definition.signature.name;
  if (inputs.length !== traced.inputSpecs.length || inputs.some((input, index) => !traced.inputSpecs[index]!.isCompatibleWith(input))) {
    throw new Error(
      `Concrete function ${name} takes (${traced.inputSpecs.map(String).join(", ")}) but got (${inputs.map((input) => `${input.dtype}[${input.shape.join(", ")}]`).join(", ")}).`,
    );
  }
  return tfc.tidy(() =>
    runtime.callFunction(name, [...inputs, ...handles] as GraphValue[]).map((value) => {
      if (isVariableHandle(value) || isTensorList(value))
        throw new Error(`Concrete function ${name} returns a ${isTensorList(value) ? "TensorList" : "variable handle"}, which cannot be returned as a tensor.`);
      return value.clone();
    }),
  );
}

export function restructure(traced: { structure: TracedFunction["structure"] }, outputs: tfc.Tensor[]): TraceableResult {
  if (traced.structure.kind === "none") return undefined;
  if (traced.structure.kind === "tensor") return outputs[0]!;
  if (traced.structure.kind === "array") return outputs;
  const keys = traced.structure.keys;
  return Object.fromEntries(keys.map((key, index) => [key, outputs[index]!]));
}

export function opDefinitions(ops: Iterable<string>): OpDef[] {
  return [...ops].map(
    (name) => ({ name, input_arg: [], output_arg: outputArgumentsOf(name).map((argument) => ({ name: argument })), attr: [] }) as unknown as OpDef,
  );
}

function sanitizeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_") || "function";
}

/** Parameter names of a plain or arrow function (for argument names in the graph). */
function parameterNames(fn: Function): string[] {
  const source = fn.toString();
  const match = /^[^(]*\(([^)]*)\)/.exec(source) ?? /^\s*([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (match === null) return [];
  return match[1]!
    .split(",")
    .map((part) =>
      part
        .trim()
        .replace(/[:=].*$/, "")
        .trim(),
    )
    .filter((part) => /^[A-Za-z_$][\w$]*$/.test(part));
}
