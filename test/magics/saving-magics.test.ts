import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCells, streamText, type CellReport } from "../engine/run-cells.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

const real = realFixturesDirectory;
const displayed = (report: CellReport) => report.outputs.find((output) => output.type === "display")?.data as Record<string, unknown> | undefined;
/** What a magic put in its display's metadata under "tskeras" (the data behind the HTML view). */
const displayedData = (report: CellReport) =>
  (report.outputs.find((output) => output.type === "display") as { metadata?: { tskeras?: Record<string, unknown> } } | undefined)?.metadata?.tskeras ?? {};

describe("save/load magics", () => {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-saving-magics-"));
  const reports = runCells(
    [
      `%inspect ${join(real, "ckpt_k2.4.0_conv/cp.ckpt")}`, // 0
      'import { tf } from "tskeras";\nconst state = { weights: tf.variable(tf.zeros([2, 2])) };\nconst manager = new tf.train.CheckpointManager(new tf.train.Checkpoint({ state }), "ckpts", { maxToKeep: 5 });\nawait manager.save();\nstate.weights.assign(tf.ones([2, 2]).mul(0.5));\nawait manager.save();', // 1
      "%checkpoints ckpts", // 2
      "%diff ckpts/ckpt-1 ckpts/ckpt-2", // 3
      "const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'hidden' })] });", // 4
      "%config model", // 5
      "%summary model", // 6
      "%inspect no/such/file.h5", // 7
      "%summary noSuchModel", // 8
      "%checkpoints .", // 9
      "%diff ckpts/ckpt-1", // 10
      "1 + 1", // 11
    ],
    { workingDirectory: directory },
  );

  it("%inspect shows a real checkpoint's variables as a tree, with the JSON list in the output's metadata", () => {
    const data = displayed(reports[0]!)!;
    assert.match(data["text/html"] as string, /<summary><code>layer_with_weights-0<\/code>/);
    assert.equal(data["application/json"], undefined, "no JSON mime type for JupyterLab to prefer over the tree");
    const json = displayedData(reports[0]!).variableMap as { format: string; variables: Array<{ name: string }> };
    assert.equal(json.format, "tf-checkpoint");
    assert.equal(json.variables.length, 23);
  });
  it("%checkpoints lists a folder's checkpoints and marks the latest", () => {
    assert.equal(reports[1]!.outcome.status, "ok", JSON.stringify(reports[1]!.outcome));
    const text = displayed(reports[2]!)!["text/plain"] as string;
    assert.match(text, /^ckpts: 2 checkpoints \(\* latest\)\n {2}ckpt-1 .*\n\* ckpt-2 /);
  });
  it("%diff reports how much each variable changed", () => {
    assert.equal(
      displayed(reports[3]!)!["text/plain"],
      "~ state/weights/.ATTRIBUTES/VARIABLE_VALUE: max |Δ| = 0.5000\n~ save_counter/.ATTRIBUTES/VARIABLE_VALUE: max |Δ| = 1.000\n0 shared variables equal, 2 differ."
        .split("\n")
        .sort((a, b) => (a.startsWith("~") && b.startsWith("~") ? (a.includes("save_counter") ? -1 : 1) : 0))
        .join("\n"),
    );
  });
  it("%config and %summary work on model variables", () => {
    assert.equal(displayed(reports[5]!)!["application/json"], undefined);
    const config = displayedData(reports[5]!).config as { class_name: string; config: { layers: Array<{ config: { name: string } }> } };
    assert.equal(config.class_name, "Sequential");
    assert.equal(config.config.layers[0]!.config.name, "hidden");
    assert.match(streamText(reports[6]!), /hidden/);
  });
  it("bad paths, unknown variables and missing arguments are one-line errors, and the kernel stays usable", () => {
    for (const [index, pattern] of [
      [7, /^%inspect no\/such\/file\.h5: no\/such\/file\.h5 does not exist/],
      [8, /^No variable named "noSuchModel" in the notebook/],
      [9, /^%checkpoints: no checkpoints \(\*\.index files\) in \./],
      [10, /^%diff needs two saves to compare/],
    ] as const) {
      const outcome = reports[index]!.outcome as { status: string; ename: string; evalue: string };
      assert.equal(outcome.status, "error");
      assert.equal(outcome.ename, "UsageError");
      assert.match(outcome.evalue, pattern);
      assert.doesNotMatch(outcome.evalue, /\n/);
    }
    assert.equal(reports[11]!.outcome.status, "ok");
  });
});
