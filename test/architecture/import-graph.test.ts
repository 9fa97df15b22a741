// The house plan, checked: lib/ and kernel/ import only downward (README, "Layers") and have no import
// cycles. The output lists the layers and their sizes; a failure lists each offending edge or cycle.
import assert from "node:assert/strict";
import { test } from "node:test";
import { repositoryRoot } from "../support/kernelspec.js";
import { cyclesOf, layerSizes, rankOf, readImportGraph, upwardEdges } from "../support/import-graph.js";

const graph = readImportGraph(repositoryRoot, ["lib", "kernel"]);

test("every file of lib/ and kernel/ belongs to a layer; sizes per layer", (t) => {
  for (const path of graph.files.keys()) rankOf(path);
  for (const line of layerSizes(graph)) t.diagnostic(line);
  t.diagnostic(`${graph.files.size} files, ${graph.edges.length} import edges`);
});

test("no import cycles", (t) => {
  const cycles = cyclesOf(graph);
  for (const cycle of cycles) t.diagnostic(`cycle of ${cycle.length}: ${cycle.join(", ")}`);
  assert.equal(cycles.length, 0, `${cycles.length} import cycles:\n${cycles.map((cycle) => cycle.join(" ")).join("\n")}`);
});

test("no upward imports", (t) => {
  const upward = upwardEdges(graph);
  const lines = upward.map((edge) => `L${rankOf(edge.from).rank} ${edge.from} -> L${rankOf(edge.to).rank} ${edge.to}`);
  for (const line of lines) t.diagnostic(line);
  assert.equal(upward.length, 0, `${upward.length} upward imports:\n${lines.join("\n")}`);
});
