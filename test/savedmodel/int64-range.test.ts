// An int64 variable whose value does not fit in tfjs's int32 (TensorFlow step counters, hashes) used to
// load silently wrapped through the SavedModel object loader (2^40 became 0). Now every path converts
// stored tensors through one converter, which refuses the value with an error naming the variable.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { tf } from "../../lib/index.js";
import { storedTensorToTfjs } from "../../lib/formats/stored-tensor.js";
import { oracleJson, requireOracle } from "../support/oracle.js";

const writeScript = `
import json, sys, tensorflow as tf
module = tf.Module()
module.big = tf.Variable(2**40 + 5, dtype=tf.int64)
module.small = tf.Variable(7, dtype=tf.int64)
tf.saved_model.save(module, sys.argv[1])
print(json.dumps({"ok": True}))
`;

describe("stored int64 values outside int32", () => {
  it("the converter refuses 2^40 naming the entry, and converts values that fit exactly", async () => {
    assert.throws(
      () => storedTensorToTfjs({ dtype: "int64", shape: [2], data: BigInt64Array.of(3n, 2n ** 40n) }, "step/.ATTRIBUTES/VARIABLE_VALUE"),
      (error: Error) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /^step\/\.ATTRIBUTES\/VARIABLE_VALUE: int64 value 1099511627776 \(element 1\) does not fit in tfjs int32/);
        return true;
      },
    );
    assert.throws(() => storedTensorToTfjs({ dtype: "uint32", shape: [1], data: Uint32Array.of(2 ** 31) }), /uint32 value 2147483648/);
    const fits = storedTensorToTfjs({ dtype: "int64", shape: [3], data: BigInt64Array.of(-(2n ** 31n), 0n, 2n ** 31n - 1n) });
    assert.deepEqual(Array.from(await fits.data()), [-(2 ** 31), 0, 2 ** 31 - 1]);
  });

  it("a TensorFlow SavedModel holding int64 2^40+5 fails to load with that error instead of wrapping", async (t) => {
    if (!requireOracle(t)) return;
    const directory = join(mkdtempSync(join(tmpdir(), "tskeras-int64-")), "module");
    await oracleJson(writeScript, [directory]);
    await assert.rejects(tf.savedModel.load(directory), (error: Error) => {
      assert.ok(error instanceof RangeError, String(error));
      assert.match(error.message, /int64 value 1099511627781 \(element 0\) does not fit in tfjs int32/);
      assert.match(error.message, /VARIABLE_VALUE/);
      return true;
    });
  });
});
