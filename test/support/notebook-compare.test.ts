import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareNotebooks, normalizeOutputText } from "./notebook-compare.js";

describe("notebook output comparison", () => {
  it("normalizes timings, floats, addresses and temp paths but keeps integers and words", () => {
    assert.equal(
      normalizeOutputText("32/32 [====] - 0s 5ms/step - loss: 0.4201 at 0x7f3a2b1c9d10 in /tmp/tskeras-x1/out\nTotal params: 407,050\nWall time: 2.02 ms"),
      "32/32 [====] - <time> <time>/step - loss: <float> at <address> in <tmp>/out\nTotal params: 407,050\nWall time: <time>",
    );
  });
  it("reports the differing cell with a line diff, and nothing for equal outputs", () => {
    const notebook = (text: string) => ({ cells: [{ cell_type: "code", source: "model.summary()", outputs: [{ output_type: "stream", name: "stdout", text }] }] });
    assert.deepEqual(compareNotebooks(notebook("loss: 0.31\nparams: 10\n"), notebook("loss: 0.29\nparams: 10\n")), []);
    assert.deepEqual(compareNotebooks(notebook("params: 10\n"), notebook("params: 12\n")), ["code cell 1 (model.summary()):\n- params: 10\n+ params: 12"]);
  });
});
