import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadCheckpoint, listVariables, latestCheckpoint, readCheckpointState, OBJECT_GRAPH_KEY } from "../../lib/formats/checkpoint/index.js";
import { readReference, realBundles, realFixtures } from "./fixtures.js";

for (const { id, prefix } of realBundles) {
  test(`real bundle ${id}: keys, dtypes, shapes and first values match the reference`, () => {
    const reference = readReference(id).bundle;
    const reader = loadCheckpoint(join(realFixtures, id, prefix));
    const expectedKeys = reference.variables.map((variable) => variable.key).sort();
    assert.deepEqual(reader.keys(), expectedKeys);
    const dtypes = reader.getVariableToDtypeMap();
    const shapes = reader.getVariableToShapeMap();
    for (const variable of reference.variables) {
      assert.equal(dtypes[variable.key], variable.dtype, variable.key);
      assert.deepEqual(shapes[variable.key], variable.shape, variable.key);
      const tensor = reader.getTensor(variable.key);
      if (variable.dtype === "string") {
        assert.deepEqual(
          (tensor.data as Uint8Array[]).map((bytes) => bytes.length),
          variable.string_lengths,
          variable.key,
        );
      } else {
        const values = Array.from(tensor.data as ArrayLike<number | bigint>, Number).slice(0, variable.first_values!.length);
        assert.deepEqual(values, variable.first_values, variable.key);
      }
    }
  });

  test(`real bundle ${id}: the object graph matches the reference`, () => {
    const reference = readReference(id).bundle.object_graph;
    const graph = loadCheckpoint(join(realFixtures, id, prefix)).objectGraph()!;
    assert.equal(graph.nodes.length, reference.num_nodes);
    assert.deepEqual(
      graph.nodes[0]!.children.map((child) => child.local_name)
        .filter((name, index, all) => all.indexOf(name) === index)
        .sort(),
      [...reference.children_of_root].sort(),
    );
    for (const variable of reference.variables) {
      const attribute = graph.nodes[variable.node_id]!.attributes.find((candidate) => candidate.name === "VARIABLE_VALUE");
      assert.equal(attribute?.checkpoint_key, variable.checkpoint_key);
      assert.equal(attribute?.full_name, variable.full_name);
    }
    assert.equal(graph.nodes.flatMap((node) => node.slot_variables).length, reference.slot_variables.length);
  });
}

test("listVariables returns sorted [name, shape] pairs, starting with the object graph key", () => {
  const listed = listVariables(join(realFixtures, "ckpt_k2.4.0_conv"));
  const reference = readReference("ckpt_k2.4.0_conv").bundle.variables;
  assert.equal(listed.length, reference.length);
  assert.deepEqual(listed[0], [OBJECT_GRAPH_KEY, []]);
  const names = listed.map(([name]) => name);
  assert.deepEqual(names, [...names].sort());
  const kernel = reference.find((variable) => variable.key === "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE")!;
  assert.deepEqual(listed.find(([name]) => name === kernel.key)?.[1], kernel.shape);
});

test("the real checkpoint state file resolves to the cp.ckpt prefix", () => {
  const directory = join(realFixtures, "ckpt_k2.4.0_conv");
  const expected = readReference("ckpt_k2.4.0_conv").checkpoint_state!;
  const state = readCheckpointState(directory)!;
  assert.equal(state.modelCheckpointPath, join(directory, expected.model_checkpoint_path));
  assert.deepEqual(
    state.allModelCheckpointPaths,
    expected.all_model_checkpoint_paths.map((path) => join(directory, path)),
  );
  assert.equal(latestCheckpoint(directory), join(directory, "cp.ckpt"));
});

test("a SavedModel directory loads its variables/variables bundle", () => {
  const reader = loadCheckpoint(join(realFixtures, "sm_k2_dense", "my_model"));
  assert.equal(reader.prefix, join(realFixtures, "sm_k2_dense", "my_model", "variables", "variables"));
});
