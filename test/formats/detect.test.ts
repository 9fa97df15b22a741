import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { detectFormat } from "../../lib/formats/detect.js";
import { realFixturesDirectory } from "../support/real-fixtures.js";

const real = realFixturesDirectory;

describe("format detection (by content, not suffix)", () => {
  it("recognizes the real files Python wrote", () => {
    assert.deepEqual(detectFormat(join(real, "k2h5_2.3.1_cnn/mnist_cnn.h5")).format, "hdf5");
    assert.deepEqual(detectFormat(join(real, "wh5_2.12.0_dense/model_weights.h5")).format, "hdf5");
    assert.deepEqual(detectFormat(join(real, "k3_3.10.0_cnn/model.keras")).format, "keras-zip");
    assert.deepEqual(detectFormat(join(real, "sm_k2_dense/my_model")), { format: "tf-savedmodel", path: join(real, "sm_k2_dense/my_model") });
    assert.deepEqual(detectFormat(join(real, "ckpt_k2.4.0_conv/cp.ckpt")), { format: "tf-checkpoint", path: join(real, "ckpt_k2.4.0_conv/cp.ckpt") });
    assert.deepEqual(detectFormat(join(real, "ckpt_k2.4.0_conv")), { format: "tf-checkpoint", path: join(real, "ckpt_k2.4.0_conv/cp.ckpt") });
    assert.deepEqual(detectFormat(join(real, "ckpt_k2.4.0_conv/cp.ckpt.index")).path, join(real, "ckpt_k2.4.0_conv/cp.ckpt"));
  });

  it("sniffs a .keras file that is HDF5 inside, and refuses unknown content clearly", () => {
    const directory = mkdtempSync(join(tmpdir(), "tskeras-detect-"));
    const disguised = join(directory, "model.keras");
    writeFileSync(disguised, Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]));
    assert.equal(detectFormat(disguised).format, "hdf5");
    const text = join(directory, "notes.h5");
    writeFileSync(text, "not a model");
    assert.throws(() => detectFormat(text), /notes\.h5 is not a model file tskeras can read\. Expected Keras \.h5\/\.hdf5/);
    assert.throws(() => detectFormat(join(directory, "missing")), /does not exist\. For a TensorFlow checkpoint, give its prefix/);
  });
});
