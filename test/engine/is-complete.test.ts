import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkIsComplete } from "../../kernel/engine/is-complete.js";

describe("is_complete", () => {
  it("calls finished statements complete", () => {
    for (const code of ["const x = 1;", "x + 1", "function f() { return 1; }", "", "%time f()", "!ls", "keras?"]) {
      assert.deepEqual(checkIsComplete(code), { status: "complete" }, code);
    }
  });
  it("calls code waiting for more input incomplete, with an indent after an open block", () => {
    assert.deepEqual(checkIsComplete("function f() {"), { status: "incomplete", indent: "  " });
    assert.deepEqual(checkIsComplete("const list = [1,\n  2,"), { status: "incomplete", indent: "  " });
    assert.equal(checkIsComplete("const text = `unfinished").status, "incomplete");
    assert.equal(checkIsComplete("if (ready) {\n  go();").status, "incomplete");
  });
  it("calls code with a syntax error before its end invalid", () => {
    assert.deepEqual(checkIsComplete("const = 5;\nlet y = 2;"), { status: "invalid" });
    assert.deepEqual(checkIsComplete("1 +* 2; x = 3"), { status: "invalid" });
  });
});
