// The small tensor-bundle reader used for variables/, checked entry by entry against the
// reference JSON (written by an independent Python reader), and the object graph it
// carries against the reference's decoded object graph.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { openMinimalBundle } from "../../lib/formats/savedmodel/minimal-bundle-reader.js";
import { decodeTrackableObjectGraph } from "../../lib/formats/savedmodel/protos/decode.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const fixtures = join(root, "..", "shared", "fixtures", "real");

interface ReferenceBundle {
  variables: Array<{ key: string; dtype: string; shape: number[]; first_values?: number[]; string_lengths?: number[] }>;
  object_graph: { num_nodes: number; variables: Array<{ node_id: number; checkpoint_key: string }> };
}

const bundles = [
  ["tfjs_sm_times_three_float", "tfjs_sm_times_three_float/times_three_float/variables/variables"],
  ["tfjs_sm_module_with_multiple_signatures", "tfjs_sm_module_with_multiple_signatures/module_with_multiple_signatures/variables/variables"],
  ["sm_k2_dense", "sm_k2_dense/my_model/variables/variables"],
  ["ckpt_k2.4.0_conv", "ckpt_k2.4.0_conv/cp.ckpt"],
] as const;

for (const [id, prefix] of bundles) {
  test(`every entry of ${id} has the reference dtype, shape and first values`, () => {
    const expected = (JSON.parse(readFileSync(join(fixtures, "reference", `${id}.json`), "utf8")) as { bundle: ReferenceBundle }).bundle;
    const source = openMinimalBundle(join(fixtures, prefix));
    assert.deepEqual(source.keys(), expected.variables.map((variable) => variable.key));
    for (const variable of expected.variables) {
      const tensor = source.getTensor(variable.key);
      assert.equal(tensor.dtype, variable.dtype, variable.key);
      assert.deepEqual(tensor.shape, variable.shape, variable.key);
      const count = variable.shape.reduce((product, size) => product * size, 1);
      assert.equal(tensor.data.length, count, variable.key);
      if (variable.first_values !== undefined) {
        const first = Array.from(tensor.data as ArrayLike<number | bigint>).slice(0, variable.first_values.length).map(Number);
        first.forEach((value, index) => assert.ok(Math.abs(value - variable.first_values![index]!) < 1e-6, `${variable.key}[${index}]`));
      }
      if (variable.string_lengths !== undefined) {
        assert.deepEqual((tensor.data as Uint8Array[]).map((bytes) => bytes.length), variable.string_lengths);
      }
    }
  });

  test(`the object graph inside ${id} maps node ids to the reference checkpoint keys`, () => {
    const expected = (JSON.parse(readFileSync(join(fixtures, "reference", `${id}.json`), "utf8")) as { bundle: ReferenceBundle }).bundle;
    const bytes = (openMinimalBundle(join(fixtures, prefix)).getTensor("_CHECKPOINTABLE_OBJECT_GRAPH").data as Uint8Array[])[0]!;
    const graph = decodeTrackableObjectGraph(bytes);
    assert.equal(graph.nodes.length, expected.object_graph.num_nodes);
    for (const variable of expected.object_graph.variables) {
      const attribute = graph.nodes[variable.node_id]!.attributes.find((candidate) => candidate.name === "VARIABLE_VALUE");
      assert.equal(attribute?.checkpoint_key, variable.checkpoint_key);
    }
  });
}

test("a missing checkpoint names the file it looked for", () => {
  assert.throws(() => openMinimalBundle(join(fixtures, "nowhere", "variables")), /Checkpoint index ".*nowhere\/variables.index" not found/);
});
