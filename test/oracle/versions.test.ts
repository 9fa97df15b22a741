// The oracle is the real thing, at the versions the project is judged against.
import assert from "node:assert/strict";
import { test } from "node:test";
import { oracleJson, requireOracle } from "../support/oracle.js";

test("the oracle venv runs TensorFlow 2.21.0 and Keras 3.15.1 on the TensorFlow backend", async (t) => {
  if (!requireOracle(t)) return;
  const versions = await oracleJson<{ tensorflow: string; keras: string; backend: string }>(
    "import json, tensorflow as tf, keras; print(json.dumps({'tensorflow': tf.__version__, 'keras': keras.__version__, 'backend': keras.backend.backend()}))",
  );
  console.log(`oracle: TensorFlow ${versions.tensorflow}, Keras ${versions.keras} (${versions.backend} backend)`);
  assert.deepEqual(versions, { tensorflow: "2.21.0", keras: "3.15.1", backend: "tensorflow" });
});
