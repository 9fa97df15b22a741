/** Paths of the real TF bundles among the real fixtures and their reference JSON. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { realFixturesDirectory } from "../support/real-fixtures.js";

export { repositoryRoot } from "../support/kernelspec.js";
export const realFixtures = realFixturesDirectory;

export interface ReferenceVariable {
  key: string;
  dtype: string;
  shape: number[];
  offset: number;
  size: number;
  crc32c_masked: number;
  first_values?: number[];
  string_lengths?: number[];
}

export interface ReferenceBundle {
  variables: ReferenceVariable[];
  header: { num_shards: number; version: { producer: number; min_consumer: number } };
  object_graph: {
    num_nodes: number;
    variables: { node_id: number; node_path: string; full_name: string; checkpoint_key: string }[];
    slot_variables: unknown[];
    children_of_root: string[];
  };
}

/** Each real bundle: fixture id and the bundle prefix relative to its folder. */
export const realBundles: { id: string; prefix: string }[] = [
  { id: "ckpt_k2.4.0_conv", prefix: "cp.ckpt" },
  { id: "sm_k2_dense", prefix: "my_model/variables/variables" },
  { id: "tfjs_sm_module_with_multiple_signatures", prefix: "module_with_multiple_signatures/variables/variables" },
  { id: "tfjs_sm_times_three_float", prefix: "times_three_float/variables/variables" },
];

export function readReference(id: string): {
  bundle: ReferenceBundle;
  checkpoint_state?: { model_checkpoint_path: string; all_model_checkpoint_paths: string[] };
} {
  return JSON.parse(readFileSync(join(realFixtures, "reference", `${id}.json`), "utf8"));
}
