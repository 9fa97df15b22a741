// .npy round trips, checked independently by NumPy (/usr/bin/python3) in both directions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readNpy, writeNpy, type NpyDtype } from "../../lib/formats/npy.js";

const python = "/usr/bin/python3";

function withDirectory(run: (directory: string) => void): void {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-npy-test-"));
  try {
    run(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

test("readNpy decodes arrays NumPy wrote: every dtype, both byte orders, Fortran order, format versions 1, 2 and 3", () => {
  withDirectory((directory) => {
    // NumPy writes each case and prints the expected flat C-order values as JSON.
    const script = `
import numpy as np, json, sys
from numpy.lib import format as fmt
d = sys.argv[1]
cases = {}
base = np.array([[0, 1.5, -2.25], [3, 65504, -0.0001]])
for code in ['<f2','>f2','<f4','>f4','<f8','>f8','<i1','<u1','<i2','>i2','<i4','>u4','<i8','>i8','<u8','|b1']:
    a = (base * (code[1] != 'b')).astype(code) if code[1] in 'f' else (np.abs(base) % 100).astype(code) if code[1] == 'u' else (base % 100).astype(code)
    name = code.replace('<','le_').replace('>','be_').replace('|','na_')
    np.save(f"{d}/{name}.npy", a)
    cases[name] = {"descr": a.dtype.str, "shape": list(a.shape), "values": [float(x) for x in a.ravel(order='C')]}
f = np.asfortranarray(np.arange(24, dtype='<f4').reshape(2, 3, 4))
np.save(f"{d}/fortran.npy", f)
cases["fortran"] = {"shape": [2, 3, 4], "values": [float(x) for x in f.ravel(order='C')]}
for version in [(2, 0), (3, 0)]:
    a = np.arange(5, dtype='<i4')
    with open(f"{d}/v{version[0]}.npy", "wb") as fh:
        fmt.write_array(fh, a, version=version)
    cases[f"v{version[0]}"] = {"shape": [5], "values": [float(x) for x in a]}
print(json.dumps(cases))
`;
    const cases = JSON.parse(execFileSync(python, ["-c", script, directory], { encoding: "utf8" })) as Record<string, { shape: number[]; values: number[] }>;
    assert.ok(Object.keys(cases).length >= 19);
    for (const [name, expected] of Object.entries(cases)) {
      const array = readNpy(readFileSync(join(directory, `${name}.npy`)), name);
      assert.deepEqual(array.shape, expected.shape, name);
      const actual = Array.from(array.values as ArrayLike<number | bigint>, (value) => Number(value));
      expected.values.forEach((value, index) => {
        const tolerance = name.includes("f2") ? Math.abs(value) * 1e-3 + 1e-7 : name.includes("f4") ? Math.abs(value) * 1e-7 : 0;
        assert.ok(Math.abs(actual[index]! - value) <= tolerance, `${name}[${index}]: ${actual[index]} vs ${value}`);
      });
    }
    assert.equal(readNpy(readFileSync(join(directory, "le_f2.npy"))).dtype, "float16");
    assert.equal(readNpy(readFileSync(join(directory, "be_i8.npy"))).dtype, "int64");
  });
});

test("writeNpy output is read back by NumPy with the same dtype, shape and values", () => {
  withDirectory((directory) => {
    const cases: { name: string; dtype: NpyDtype; shape: number[]; values: number[] }[] = [
      { name: "f32", dtype: "float32", shape: [2, 3], values: [0, 1.5, -2.25, 3, 1e-3, -7] },
      { name: "f64", dtype: "float64", shape: [3], values: [Math.PI, -1e300, 5e-324] },
      { name: "f16", dtype: "float16", shape: [4], values: [0.5, -2, 65504, 0.000060975552] },
      { name: "i8", dtype: "int8", shape: [2, 2], values: [-128, 127, 0, -1] },
      { name: "u16", dtype: "uint16", shape: [2], values: [0, 65535] },
      { name: "i32", dtype: "int32", shape: [1, 1, 2], values: [-2147483648, 2147483647] },
      { name: "b", dtype: "bool", shape: [3], values: [1, 0, 1] },
      { name: "scalar", dtype: "float32", shape: [], values: [42] },
    ];
    for (const entry of cases) writeFileSync(join(directory, `${entry.name}.npy`), writeNpy(entry));
    writeFileSync(join(directory, "i64.npy"), writeNpy({ dtype: "int64", shape: [2], values: new BigInt64Array([-(2n ** 63n), 2n ** 62n + 1n]) }));
    const script = `
import numpy as np, json, sys
d = sys.argv[1]
out = {}
for name in sys.argv[2:]:
    a = np.load(f"{d}/{name}.npy", allow_pickle=False)
    out[name] = {"dtype": a.dtype.name, "shape": list(a.shape), "values": [str(x) for x in a.ravel()]}
print(json.dumps(out))
`;
    const names = [...cases.map((entry) => entry.name), "i64"];
    const loaded = JSON.parse(execFileSync(python, ["-c", script, directory, ...names], { encoding: "utf8" })) as Record<
      string,
      { dtype: string; shape: number[]; values: string[] }
    >;
    for (const entry of cases) {
      const numpy = loaded[entry.name]!;
      assert.equal(numpy.dtype, entry.dtype, entry.name);
      assert.deepEqual(numpy.shape, entry.shape, entry.name);
      const expected = entry.dtype === "bool" ? entry.values.map((value) => (value ? "True" : "False")) : null;
      if (expected) assert.deepEqual(numpy.values, expected);
      else
        numpy.values.forEach((text, index) => {
          const value = entry.values[index]!;
          const tolerance = entry.dtype === "float16" ? Math.abs(value) * 1e-3 : entry.dtype === "float32" ? Math.abs(value) * 1e-7 : 0;
          assert.ok(Math.abs(Number(text) - value) <= tolerance, `${entry.name}[${index}]: numpy ${text} vs ${value}`);
        });
    }
    assert.deepEqual(loaded["i64"]!.values, ["-9223372036854775808", "4611686018427387905"]);
  });
});

test("readNpy refuses object arrays (pickles) and truncated or foreign data with clear messages", () => {
  withDirectory((directory) => {
    execFileSync(python, [
      "-c",
      "import numpy as np, sys; np.save(sys.argv[1], np.array([{'a': 1}, None], dtype=object), allow_pickle=True)",
      join(directory, "objects.npy"),
    ]);
    assert.throws(() => readNpy(readFileSync(join(directory, "objects.npy")), "objects.npy"), /objects\.npy holds a Python object array .*pickle.*Refused/);
  });
  const valid = writeNpy({ dtype: "float32", shape: [4], values: [1, 2, 3, 4] });
  assert.throws(() => readNpy(valid.subarray(0, valid.length - 3), "short.npy"), /short\.npy is truncated: shape \[4\] needs 16 data bytes but only 13 remain/);
  assert.throws(() => readNpy(new TextEncoder().encode("PK\u0003\u0004 not npy"), "x"), /does not start with the \\x93NUMPY magic/);
});
