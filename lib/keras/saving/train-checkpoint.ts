import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import * as tfc from "@tensorflow/tfjs-core";
import { loadCheckpoint } from "../../formats/checkpoint/reader.js";
import { latestCheckpoint, readCheckpointState, writeCheckpointState } from "../../formats/checkpoint/state-file.js";
import { restoreCheckpoint, writeCheckpoint, type CheckpointLoadStatus } from "../../tf/tracking/checkpoint.js";
import { TrackableBuilder } from "./object-trackables.js";
import { variableNode, type Trackable } from "../../tf/tracking/trackable.js";

/**
 * `tf.train.Checkpoint`: saves and restores the objects given to it (models, layers, optimizers,
 * variables, modules), named by the keys of its argument, in TensorFlow's format.
 * @example
 * const checkpoint = new tf.train.Checkpoint({ model, optimizer });
 * const path = await checkpoint.save("training_checkpoints/ckpt");   // "…/ckpt-1"
 * (await checkpoint.restore(path)).assertConsumed();
 */
export class Checkpoint {
  /** How many times save() ran; saved with the checkpoint as `save_counter`, like TensorFlow. */
  readonly saveCounter: tfc.Variable;
  /**
   * TensorFlow creates `save_counter` lazily, on the first save() or restore(): a write() before
   * either stores only the given objects (the modules guide lists no save_counter after write()),
   * and `checkpoint.read(path).assertConsumed()` holds for what write() wrote.
   */
  private counterInUse = false;

  constructor(private readonly objects: Record<string, unknown>) {
    // The engine wants a unique name; not from Math.random, which keras.utils.setRandomSeed makes repeat.
    this.saveCounter = tfc.variable(tfc.scalar(0, "int32"), false, `save_counter_${randomUUID()}`, "int32");
  }

  private tree(forRestore: boolean, withCounter = this.counterInUse): Trackable {
    const builder = new TrackableBuilder(forRestore);
    const root: Trackable = { children: [], description: "Checkpoint" };
    for (const [name, value] of Object.entries(this.objects)) {
      const node = builder.node(value, name);
      if (node) root.children.push({ name, node });
    }
    if (withCounter) {
      const counter = variableNode(
        { dtype: "int64", shape: [], read: () => this.saveCounter, assign: (value) => this.saveCounter.assign(tfc.cast(value, "int32")) },
        "save_counter",
      );
      root.children.push({ name: "save_counter", node: counter });
    }
    builder.finish();
    return root;
  }

  /** Writes to exactly `prefix` (no numbering, no `checkpoint` state file change). Returns the prefix. */
  async write(prefix: string): Promise<string> {
    writeCheckpoint(this.tree(false), prefix, { updateState: false });
    return prefix;
  }

  /** Saves to `prefix-N` (N = the save counter after incrementing) and records it in the `checkpoint` file. */
  async save(prefix: string): Promise<string> {
    this.counterInUse = true;
    this.saveCounter.assign(tfc.scalar(this.saveCounter.dataSync()[0]! + 1, "int32"));
    const path = resolve(`${prefix}-${this.saveCounter.dataSync()[0]}`);
    const directory = dirname(path);
    const previous = readCheckpointState(directory);
    writeCheckpoint(this.tree(false), path, { updateState: false });
    const now = Date.now() / 1000;
    const all = [...(previous?.allModelCheckpointPaths ?? []).filter((entry) => entry !== path && existsSync(`${entry}.index`)), path];
    writeCheckpointState(directory, {
      modelCheckpointPath: path,
      allModelCheckpointPaths: all,
      allModelCheckpointTimestamps: [...(previous?.allModelCheckpointTimestamps ?? []).slice(-(all.length - 1)), now],
      lastPreservedTimestamp: previous?.lastPreservedTimestamp ?? now,
    });
    return path;
  }

  /** Restores from a prefix (or a folder: its latest checkpoint); see CheckpointLoadStatus for checks. */
  async restore(path: string): Promise<CheckpointLoadStatus> {
    const prefix = existsSync(path) && !existsSync(`${path}.index`) ? (latestCheckpoint(path) ?? path) : path;
    const reader = loadCheckpoint(prefix);
    // TensorFlow makes the counter after reading: a checkpoint without one (from write()) still matches fully.
    this.counterInUse = true;
    return restoreCheckpoint(this.tree(true, reader.hasTensor("save_counter/.ATTRIBUTES/VARIABLE_VALUE")), reader);
  }

  /** Like restore(); TensorFlow's name for reading what write() wrote. */
  read(path: string): Promise<CheckpointLoadStatus> {
    return this.restore(path);
  }
}

/**
 * `tf.train.CheckpointManager`: numbered saves in one folder, keeping the newest `maxToKeep`.
 * @example
 * const manager = new tf.train.CheckpointManager(checkpoint, "./tf_ckpts", { maxToKeep: 3 });
 * await manager.save();   manager.latestCheckpoint;   manager.checkpoints;
 */
export class CheckpointManager {
  readonly maxToKeep: number | undefined;
  private readonly prefix: string;

  constructor(
    private readonly checkpoint: Checkpoint,
    readonly directory: string,
    options: { maxToKeep?: number; checkpointName?: string } = {},
  ) {
    this.maxToKeep = options.maxToKeep;
    this.prefix = join(directory, options.checkpointName ?? "ckpt");
  }

  get checkpoints(): string[] {
    return readCheckpointState(this.directory)?.allModelCheckpointPaths ?? [];
  }

  get latestCheckpoint(): string | undefined {
    return latestCheckpoint(this.directory);
  }

  async save(): Promise<string> {
    const path = await this.checkpoint.save(this.prefix);
    const state = readCheckpointState(this.directory)!;
    if (this.maxToKeep !== undefined && state.allModelCheckpointPaths.length > this.maxToKeep) {
      const excess = state.allModelCheckpointPaths.length - this.maxToKeep;
      for (const old of state.allModelCheckpointPaths.slice(0, excess)) removeCheckpointFiles(old);
      writeCheckpointState(this.directory, {
        ...state,
        allModelCheckpointPaths: state.allModelCheckpointPaths.slice(excess),
        allModelCheckpointTimestamps: state.allModelCheckpointTimestamps.slice(excess),
      });
    }
    return path;
  }
}

function removeCheckpointFiles(prefix: string): void {
  rmSync(`${prefix}.index`, { force: true });
  const name = basename(prefix);
  for (const file of readdirSync(dirname(prefix))) {
    if (file.startsWith(`${name}.data-`)) rmSync(join(dirname(prefix), file), { force: true });
  }
}
