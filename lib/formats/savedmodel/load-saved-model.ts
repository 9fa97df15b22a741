/**
 * `loadSavedModel(dir)`: opens a TensorFlow SavedModel directory and makes its
 * signatures callable in TypeScript, with variables read from `variables/`.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * const model = await loadSavedModel("my_model", { tags: ["serve"] });
 * Object.keys(model.signatures);                       // ["serving_default"]
 * const { dense_2 } = model.signatures.serving_default!({ dense_input: tf.zeros([2, 43]) });
 * model.dispose();
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";
import { GraphRuntime } from "./graph/graph-runtime.js";
import { VariableHandle } from "./graph/values.js";
import { loadCheckpoint } from "../checkpoint/index.js";
import { decodeTrackableObjectGraph } from "../protobuf/decode.js";
import type { KerasSavedMetadata, MetaGraphDef, NodeDef, TrackableObjectGraph } from "../protobuf/messages.js";
import { readSavedModelDirectory, selectMetaGraph, type SavedModelFiles } from "./saved-model-directory.js";
import { createConcreteFunction, type ConcreteFunction } from "./signature-function.js";
import { tensorSpecFromInfo, type TensorSpec } from "./signature-tensor.js";
import { checkpointKeysByObject, variableObjectsByHandleNode } from "./variable-binding.js";
import { storedTensorToTfjs } from "../stored-tensor.js";
import type { VariableSource } from "./variable-source.js";

/** Key of the serialized TrackableObjectGraph inside a TF2 checkpoint. */
const objectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH";
/** Signature TF adds to run initializers; not a user computation. */
const initSignatureKey = "__saved_model_init_op";

export interface LoadSavedModelOptions {
  /** Tag set of the MetaGraph to load; defaults to the only one, else `["serve"]`. */
  tags?: string[];
  /** Variable values; defaults to reading `<dir>/variables/variables.{index,data-*}`. */
  variables?: VariableSource;
}

export interface LoadedSavedModel {
  readonly directory: string;
  readonly tags: string[];
  /** Callable signatures by key (the initializer signature is left out). */
  readonly signatures: Readonly<Record<string, ConcreteFunction>>;
  /** tf-keras metadata (`keras_metadata.pb`), for rebuilding a Keras model; undefined otherwise. */
  readonly kerasMetadata: KerasSavedMetadata | undefined;
  readonly metaGraph: MetaGraphDef;
  /** Frees the variable values and constants read so far (the signatures then reload them on demand). */
  dispose(): void;
}

export async function loadSavedModel(directory: string, options: LoadSavedModelOptions = {}): Promise<LoadedSavedModel> {
  const files = readSavedModelDirectory(directory);
  return loadFromFiles(files, options);
}

/** Synchronous core of {@link loadSavedModel}, for callers that already read the directory. */
export function loadFromFiles(files: SavedModelFiles, options: LoadSavedModelOptions = {}): LoadedSavedModel {
  const metaGraph = selectMetaGraph(files.savedModel, options.tags);
  const graph = metaGraph.graph_def;
  if (graph === undefined) throw new Error(`The MetaGraph in "${files.directory}" has no graph; nothing can run.`);

  let source = options.variables;
  // The project's checkpoint reader (checksums verified) opened on first variable read.
  const variables = (): VariableSource => (source ??= loadCheckpoint(files.variablesPrefix));
  const handles = new Map<string, VariableHandle>();
  let objectKeys: Map<number, string> | undefined;
  const objectsByHandle = variableObjectsByHandleNode(metaGraph);

  const bindVariable = (node: NodeDef): VariableHandle => {
    const existing = handles.get(node.name);
    if (existing !== undefined) return existing;
    const objectId = objectsByHandle.get(node.name);
    objectKeys ??= checkpointKeysByObject(metaGraph.object_graph_def ?? { nodes: [], concrete_functions: {} }, trackableGraph(variables()));
    const key = objectId === undefined ? undefined : objectKeys.get(objectId);
    if (key === undefined) {
      throw new Error(
        `Variable "${node.name}" of the SavedModel graph could not be matched to a checkpoint entry ` +
          `(no saved object binds it). The SavedModel may predate TF2's object graph; re-save it with TF 2.x.`,
      );
    }
    // Assignable, as in TensorFlow, where a signature may update state (Keras's exported random layers
    // advance their seed); the new value lives in memory, the files stay as they are.
    let variable: tf.Variable | undefined;
    const value = (): tf.Variable => {
      if (variable === undefined || variable.isDisposed)
        variable = tf.variable(
          tf.tidy(() => storedTensorToTfjs(variables().getTensor(key), key)),
          false,
        );
      return variable;
    };
    const handle = new VariableHandle(node.name, value, (assigned) =>
      value().assign(assigned.dtype === value().dtype ? assigned : tf.cast(assigned, value().dtype)),
    );
    handles.set(node.name, handle);
    return handle;
  };

  const runtime = new GraphRuntime(graph, {
    opDefinitions: metaGraph.meta_info_def?.stripped_op_list?.op ?? [],
    bindVariable,
  });
  const signatures: Record<string, ConcreteFunction> = {};
  for (const [key, definition] of Object.entries(metaGraph.signature_def)) {
    if (key === initSignatureKey) continue;
    const specs = (infos: typeof definition.inputs): Record<string, TensorSpec> =>
      Object.fromEntries(Object.entries(infos).map(([name, info]) => [name, tensorSpecFromInfo(info)]));
    signatures[key] = createConcreteFunction(key, specs(definition.inputs), specs(definition.outputs), runtime);
  }
  return {
    directory: files.directory,
    tags: metaGraph.meta_info_def?.tags ?? [],
    signatures,
    kerasMetadata: files.kerasMetadata,
    metaGraph,
    dispose: () => {
      handles.forEach((handle) => handle.dispose());
      runtime.dispose();
    },
  };
}

function trackableGraph(source: VariableSource): TrackableObjectGraph | undefined {
  if (!source.keys().includes(objectGraphKey)) return undefined;
  const stored = source.getTensor(objectGraphKey);
  const first = (stored.data as ArrayLike<unknown>)[0];
  if (first instanceof Uint8Array) return decodeTrackableObjectGraph(first);
  // A reader that already decoded the bytes as text cannot round-trip binary protobuf.
  return undefined;
}
