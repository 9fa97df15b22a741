// Helpers shared by the keras-files tests: where the real fixtures live and how to read their
// reference JSON (written by an independent numpy/h5py reader, see fixtures/real/README.md).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { realFixturesDirectory } from "../support/real-fixtures.js";

export const fixturesRoot = realFixturesDirectory;

export interface ReferenceVariable {
  path: string;
  dtype: string;
  shape: number[];
  first_values: number[];
}

export interface ReferencePrediction {
  status: string;
  tolerance_abs: number;
  inputs: { name: string; shape: number[]; values: unknown }[];
  outputs: { ref: [string, number, number]; shape: number[]; values: unknown }[];
}

export interface Reference {
  id: string;
  files: { staged_path: string }[];
  variables: ReferenceVariable[];
  model_config_summary?: { class_name: string; layers?: { class_name: string; name: string }[] };
  prediction?: ReferencePrediction;
}

export function readReference(id: string): Reference {
  return JSON.parse(readFileSync(join(fixturesRoot, "reference", `${id}.json`), "utf8")) as Reference;
}

/** Absolute path of the fixture's first file. */
export function fixturePath(reference: Reference): string {
  return join(fixturesRoot, reference.files[0]!.staged_path);
}

/** Flattens nested number arrays. */
export function flatten(values: unknown): number[] {
  return Array.isArray(values) ? values.flatMap(flatten) : [values as number];
}

/** Parameters the reference variables hold for the model itself (optimizer slots excluded). */
export function referenceParameterCount(reference: Reference): number {
  return reference.variables
    .filter((variable) => !variable.path.startsWith("optimizer_weights/") && !variable.path.startsWith("optimizer/"))
    .reduce((total, variable) => total + variable.shape.reduce((product, size) => product * size, 1), 0);
}
