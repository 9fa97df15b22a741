import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkIsComplete } from "../../kernel/engine/is-complete.js";

// [code, expected status]: what a console should do with the text when the user presses Enter.
const samples: Array<[string, "complete" | "incomplete" | "invalid"]> = [
  // unbalanced closers can never become valid code
  ["}", "invalid"],
  [")", "invalid"],
  ["]", "invalid"],
  ["let x = 1; }", "invalid"],
  ["f(a)\n}", "invalid"],
  ["{ a: 1 }}", "invalid"],
  ["a)", "invalid"],
  ["[1, 2)", "invalid"],
  // syntax errors before the end can never parse
  ["let = = 3", "invalid"],
  ["1 +* 2", "invalid"],
  ["const x: = 3", "invalid"],
  ["let 3x = 1", "invalid"],
  ["if (a) else b", "invalid"],
  ["const = 5;\nlet y = 2;", "invalid"],
  ["1 +* 2; x = 3", "invalid"],
  ["'a quoted string cannot span lines\nnext", "invalid"],
  // open blocks, calls, strings, templates and comments wait for more input
  ["function f() {", "incomplete"],
  ["if (x) {\n  y()", "incomplete"],
  ["class A { m() { }", "incomplete"],
  ["if (a) {\n} else {", "incomplete"],
  ["type T = {", "incomplete"],
  ["foo(1, 2", "incomplete"],
  ["f(a,", "incomplete"],
  ["[1, 2", "incomplete"],
  ["for (;;", "incomplete"],
  ["x +", "incomplete"],
  ["let y = x =>", "incomplete"],
  ["import { tf } from", "incomplete"],
  ["const s = `abc", "incomplete"],
  ["const t = `a ${ f(", "incomplete"],
  ["let a = 'abc", "incomplete"],
  ["/* comment", "incomplete"],
  ["const list = [1,\n  2,", "incomplete"],
  ["if (ready) {\n  go();", "incomplete"],
  // complete code, including brackets inside strings, comments, templates and regular expressions
  ["let x = 1;", "complete"],
  ["await x", "complete"],
  ["async function f() { await x }", "complete"],
  ["const r = /[)}]/.test(s)", "complete"],
  ["x = 1 / 2; y = /}/", "complete"],
  ["a / b / c", "complete"],
  ["const t = `a ${ {x: 1}.x } b`", "complete"],
  ["`${`${1}`}`", "complete"],
  ["const s = '}'", "complete"],
  ["// }\n1", "complete"],
  ["/* ) */ 1", "complete"],
  ["%time 1", "complete"],
  ["!ls", "complete"],
  ["x + 1", "complete"],
  ["function f() { return 1; }", "complete"],
  ["model?", "complete"],
  ["", "complete"],
];

describe("is_complete", () => {
  for (const [code, expected] of samples) {
    it(`${JSON.stringify(code)} is ${expected}`, () => {
      assert.equal(checkIsComplete(code).status, expected);
    });
  }

  it("suggests an indent after an opening bracket", () => {
    assert.deepEqual(checkIsComplete("function f() {"), { status: "incomplete", indent: "  " });
    assert.deepEqual(checkIsComplete("if (x) {\n    y(1,"), { status: "incomplete", indent: "    " });
    assert.deepEqual(checkIsComplete("const list = [1,\n  2,"), { status: "incomplete", indent: "  " });
  });
});
