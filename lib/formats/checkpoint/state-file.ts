/**
 * The `checkpoint` state file next to checkpoints: a text-format CheckpointState proto naming the
 * latest checkpoint prefix and the ones kept, e.g.
 * `model_checkpoint_path: "ckpt-3"\nall_model_checkpoint_paths: "ckpt-2"\n...`.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { writeFileAtomic } from "../../io/atomic-file.js";
import { CheckpointFormatError } from "./errors.js";

export const CHECKPOINT_STATE_FILENAME = "checkpoint";

/** Parsed state; paths are absolute after {@link readCheckpointState}, relative or absolute when writing. */
export interface CheckpointState {
  modelCheckpointPath: string;
  allModelCheckpointPaths: string[];
  allModelCheckpointTimestamps: number[];
  lastPreservedTimestamp: number;
}

const STRING_FIELDS = new Set(["model_checkpoint_path", "all_model_checkpoint_paths"]);
const NUMBER_FIELDS = new Set(["all_model_checkpoint_timestamps", "last_preserved_timestamp"]);

/** Undoes text-format C escapes inside a quoted string. */
function unescapeText(body: string, path: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (char !== "\\") {
      bytes.push(...encoder.encode(char));
      continue;
    }
    const next = body[++index];
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, "'": 39, "\\": 92, a: 7, b: 8, f: 12, v: 11, "?": 63 };
    if (next !== undefined && next in simple) bytes.push(simple[next]!);
    else if (next !== undefined && /[0-7]/.test(next)) {
      const digits = /^[0-7]{1,3}/.exec(body.slice(index))![0];
      bytes.push(parseInt(digits, 8) & 0xff);
      index += digits.length - 1;
    } else if (next === "x") {
      const digits = /^[0-9a-fA-F]{1,2}/.exec(body.slice(index + 1))?.[0];
      if (!digits) throw new CheckpointFormatError(path, "a \\x escape has no hex digits.");
      bytes.push(parseInt(digits, 16));
      index += digits.length;
    } else throw new CheckpointFormatError(path, `unknown escape "\\${next ?? ""}" in a quoted path.`);
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

function escapeText(value: string): string {
  return value.replace(/[\\"\n\r\t]/g, (char) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" })[char]!);
}

/**
 * Parses the text of a `checkpoint` file (paths left as written).
 *
 * @example
 * parseCheckpointState('model_checkpoint_path: "cp.ckpt"').modelCheckpointPath; // "cp.ckpt"
 */
export function parseCheckpointState(text: string, path = CHECKPOINT_STATE_FILENAME): CheckpointState {
  const state: CheckpointState = { modelCheckpointPath: "", allModelCheckpointPaths: [], allModelCheckpointTimestamps: [], lastPreservedTimestamp: 0 };
  const field = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|([-+0-9.eEinfINFa]+))\s*(?:#[^\n]*)?/y;
  let position = 0;
  while (position < text.length) {
    const blank = /\s*(#[^\n]*)?/y;
    blank.lastIndex = position;
    position += blank.exec(text)![0].length;
    if (position >= text.length) break;
    field.lastIndex = position;
    const match = field.exec(text);
    if (!match)
      throw new CheckpointFormatError(path, `cannot parse "${text.slice(position, position + 40)}"; expected lines like model_checkpoint_path: "ckpt-1".`);
    position = field.lastIndex;
    const [, name, doubleQuoted, singleQuoted, number] = match;
    const quoted = doubleQuoted ?? singleQuoted;
    if (STRING_FIELDS.has(name!)) {
      if (quoted === undefined) throw new CheckpointFormatError(path, `field ${name} needs a quoted string.`);
      const value = unescapeText(quoted, path);
      if (name === "model_checkpoint_path") state.modelCheckpointPath = value;
      else state.allModelCheckpointPaths.push(value);
    } else if (NUMBER_FIELDS.has(name!)) {
      const value = Number(number);
      if (number === undefined || Number.isNaN(value)) throw new CheckpointFormatError(path, `field ${name} needs a number.`);
      if (name === "last_preserved_timestamp") state.lastPreservedTimestamp = value;
      else state.allModelCheckpointTimestamps.push(value);
    }
    // Unknown fields from newer TensorFlow versions are skipped, as protobuf text readers do.
  }
  return state;
}

/** Formats a state in the text layout TensorFlow writes. */
export function formatCheckpointState(state: CheckpointState): string {
  const lines = [`model_checkpoint_path: "${escapeText(state.modelCheckpointPath)}"`];
  for (const path of state.allModelCheckpointPaths) lines.push(`all_model_checkpoint_paths: "${escapeText(path)}"`);
  for (const timestamp of state.allModelCheckpointTimestamps) lines.push(`all_model_checkpoint_timestamps: ${timestamp}`);
  if (state.lastPreservedTimestamp) lines.push(`last_preserved_timestamp: ${state.lastPreservedTimestamp}`);
  return lines.join("\n") + "\n";
}

/**
 * Resolves a stored path against the checkpoint directory. Relative paths that climb out of the
 * directory are refused; absolute paths elsewhere (a directory copied from another machine) are
 * re-rooted to their last component inside the directory.
 */
function resolveInside(directory: string, stored: string, statePath: string): string {
  const root = resolve(directory);
  if (isAbsolute(stored)) {
    const inside = relative(root, stored);
    return inside.startsWith("..") || isAbsolute(inside) ? join(root, basename(stored)) : resolve(stored);
  }
  const resolved = resolve(root, stored);
  if (resolved !== root && !resolved.startsWith(root + sep)) {
    throw new CheckpointFormatError(
      statePath,
      `path "${stored}" points outside the checkpoint directory ${root}; refusing it. Edit the checkpoint file to use names inside the directory.`,
    );
  }
  return resolved;
}

/**
 * Reads `DIR/checkpoint`, returning absolute paths, or `undefined` when there is no state file.
 *
 * @example
 * readCheckpointState("training_1")?.modelCheckpointPath; // "/abs/training_1/cp.ckpt"
 */
export function readCheckpointState(directory: string): CheckpointState | undefined {
  const statePath = join(directory, CHECKPOINT_STATE_FILENAME);
  if (!existsSync(statePath)) return undefined;
  const state = parseCheckpointState(readFileSync(statePath, "utf8"), statePath);
  return {
    ...state,
    modelCheckpointPath: state.modelCheckpointPath && resolveInside(directory, state.modelCheckpointPath, statePath),
    allModelCheckpointPaths: state.allModelCheckpointPaths.map((path) => resolveInside(directory, path, statePath)),
  };
}

/**
 * Atomically writes `DIR/checkpoint`; paths inside the directory are stored relative to it.
 *
 * @example
 * writeCheckpointState("ckpts", { modelCheckpointPath: "ckpt-2", allModelCheckpointPaths: ["ckpt-1", "ckpt-2"], allModelCheckpointTimestamps: [], lastPreservedTimestamp: 0 });
 */
export function writeCheckpointState(directory: string, state: CheckpointState): void {
  const statePath = join(directory, CHECKPOINT_STATE_FILENAME);
  const toStored = (path: string): string => relative(resolve(directory), resolveInside(directory, path, statePath));
  writeFileAtomic(
    statePath,
    formatCheckpointState({
      ...state,
      modelCheckpointPath: toStored(state.modelCheckpointPath),
      allModelCheckpointPaths: state.allModelCheckpointPaths.map(toStored),
    }),
  );
}

/**
 * The prefix of the newest checkpoint in `directory` (like tf.train.latest_checkpoint), or
 * `undefined` when there is no state file or its index file is missing.
 *
 * @example
 * const prefix = latestCheckpoint("training_1"); // "training_1/cp.ckpt"
 */
export function latestCheckpoint(directory: string): string | undefined {
  const state = readCheckpointState(directory);
  if (!state || !state.modelCheckpointPath) return undefined;
  if (!existsSync(`${state.modelCheckpointPath}.index`)) return undefined;
  // Like TensorFlow, a path stored relative to the directory comes back joined to the directory as
  // given ("training_2" → "training_2/cp-0050.ckpt"), so relative in, relative out.
  const inside = relative(resolve(directory), state.modelCheckpointPath);
  return inside.startsWith("..") || isAbsolute(inside) ? state.modelCheckpointPath : join(directory, inside);
}
