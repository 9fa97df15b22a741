import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { crc32cOf, loadCheckpoint, maskCrc } from "../../lib/formats/checkpoint/index.js";
import { readReference, realBundles, realFixtures } from "./fixtures.js";

// numpy reads every numeric tensor straight from the data file at the offset and size TensorFlow
// recorded (from the reference JSON, not from our index reader) and prints all its values.
const numpyReader = `
import json, sys, numpy
data = open(sys.argv[1], "rb").read()
out = {}
for v in json.loads(sys.stdin.read()):
    raw = data[v["offset"]:v["offset"] + v["size"]]
    out[v["key"]] = numpy.frombuffer(raw, dtype=numpy.dtype(v["dtype"]).newbyteorder("<")).tolist()
print(json.dumps(out))
`;

for (const { id, prefix } of realBundles) {
  test(`real bundle ${id}: every value of every numeric tensor equals numpy's reading, and every CRC matches TensorFlow's`, () => {
    const reference = readReference(id).bundle;
    const numeric = reference.variables.filter((variable) => variable.dtype !== "string");
    assert.ok(numeric.length > 0);
    const python = spawnSync("/usr/bin/python3", ["-c", numpyReader, join(realFixtures, id, `${prefix}.data-00000-of-00001`)], {
      input: JSON.stringify(numeric),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(python.status, 0, python.stderr);
    const expected = JSON.parse(python.stdout) as Record<string, number[]>;
    const reader = loadCheckpoint(join(realFixtures, id, prefix));
    for (const variable of reference.variables) {
      const tensor = reader.getTensor(variable.key);
      if (variable.dtype !== "string") {
        const values = Array.from(tensor.data as ArrayLike<number | bigint>, Number);
        assert.equal(
          values.length,
          variable.shape.reduce((product, size) => product * size, 1),
          variable.key,
        );
        assert.deepEqual(values, expected[variable.key], variable.key);
        // The masked CRC32C of the bytes we return is the one TensorFlow stored.
        const data = tensor.data as ArrayBufferView;
        assert.equal(maskCrc(crc32cOf(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))), variable.crc32c_masked, variable.key);
      }
    }
  });
}
