import type * as tfc from "@tensorflow/tfjs-core";

/** A variable as the saving code sees it, whatever owns it (a layer weight, an optimizer slot, a tf.Variable). */
export interface SaveableVariable {
  readonly dtype: string;
  readonly shape: number[];
  read(): tfc.Tensor;
  assign(value: tfc.Tensor): void;
  /**
   * The tfjs variable that holds the value, when assigning means writing that variable: a restore
   * may then write its bytes in place (bounded memory) instead of calling `assign`.
   */
  readonly backing?: tfc.Variable;
}

/**
 * One object of the saveable tree, TensorFlow's way: models, layers, optimizers and variables are
 * nodes; named edges (`layer_with_weights-0`, `kernel`, `optimizer`) lead to children. Checkpoint keys
 * are paths of edge names, so saving and restoring both walk this tree (the Keras 3 idea of one
 * walker over saveable objects, with the formats as stores).
 */
export interface Trackable {
  children: Array<{ name: string; node: Trackable }>;
  variable?: SaveableVariable;
  /** On an optimizer: its slot variables for variables found elsewhere in the tree. */
  slots?: Array<{ variable: Trackable; slotName: string; slot: Trackable }>;
  /** Shown in error messages (e.g. "Dense layer 'dense_1'"). */
  description?: string;
  /** Called once a restore has assigned this node's values (an optimizer applies its slots here). */
  afterRestore?: () => Promise<void> | void;
  /**
   * On an object that creates its variables later (a layer not built yet): registers `listener` to run
   * once they exist and have been added to `children`, so a restore can fill them (deferred restoration).
   */
  onChildrenCreated?: (listener: () => void) => void;
}

export function variableNode(variable: SaveableVariable, description?: string): Trackable {
  return { children: [], variable, description };
}

/** Every node reachable through children (not slots), each once, breadth-first. */
export function reachableNodes(root: Trackable): Trackable[] {
  const seen = new Set<Trackable>([root]);
  const order = [root];
  for (let index = 0; index < order.length; index++) {
    for (const child of order[index]!.children) {
      if (seen.has(child.node)) continue;
      seen.add(child.node);
      order.push(child.node);
    }
  }
  return order;
}
