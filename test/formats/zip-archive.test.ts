// The streaming zip writer and the file-backed zip reader of .keras archives: what one writes Python's
// zipfile reads (and the other way round), members are checked against their CRC-32 and size, and a
// deflated member is expanded in chunks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { StoredZipWriter } from "../../lib/formats/keras-archive/zip-writer.js";
import { SafeZipFile } from "../../lib/formats/keras-archive/safe-zip.js";
import { requireOracle, runOracle } from "../support/oracle.js";

function withDirectory<T>(run: (directory: string) => Promise<T> | T): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), "tskeras-zip-test-"));
  return Promise.resolve(run(directory)).finally(() => rmSync(directory, { recursive: true, force: true }));
}

/** Bytes that are not all alike, so a shifted or truncated copy differs. */
function pattern(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index++) bytes[index] = (index * 31 + seed * 7 + (index >> 8)) & 255;
  return bytes;
}

function writeArchive(path: string, members: Array<[string, Uint8Array | { file: string }]>): void {
  const descriptor = openSync(path, "w");
  try {
    const zip = new StoredZipWriter(descriptor);
    for (const [name, content] of members) {
      if (content instanceof Uint8Array) zip.addBytes(name, content);
      else zip.addFile(name, content.file);
    }
    zip.finish();
  } finally {
    closeSync(descriptor);
  }
}

function extract(zip: SafeZipFile, name: string, path: string): Uint8Array {
  const descriptor = openSync(path, "w");
  try {
    zip.extractTo(name, descriptor);
  } finally {
    closeSync(descriptor);
  }
  return readFileSync(path);
}

test("StoredZipWriter archives read back member for member, bytes and files alike (over the 8 MiB copy chunk)", () =>
  withDirectory((directory) => {
    const large = pattern((8 << 20) + 12345, 3);
    writeFileSync(join(directory, "large.bin"), large);
    const archive = join(directory, "a.keras");
    writeArchive(archive, [
      ["metadata.json", new TextEncoder().encode('{"keras_version": "3"}')],
      ["empty", new Uint8Array(0)],
      ["model.weights.h5", { file: join(directory, "large.bin") }],
    ]);
    const zip = SafeZipFile.open(archive);
    try {
      assert.deepEqual(zip.names(), ["metadata.json", "empty", "model.weights.h5"]);
      assert.equal(new TextDecoder().decode(zip.read("metadata.json")), '{"keras_version": "3"}');
      assert.equal(zip.read("empty").length, 0);
      assert.ok(Buffer.from(extract(zip, "model.weights.h5", join(directory, "out.bin"))).equals(Buffer.from(large)));
    } finally {
      zip.close();
    }
  }));

test("Python's zipfile reads StoredZipWriter's archives, members stored and CRCs right", async (t) => {
  if (!requireOracle(t)) return;
  await withDirectory(async (directory) => {
    writeFileSync(join(directory, "w.bin"), pattern(300_000, 5));
    const archive = join(directory, "a.keras");
    writeArchive(archive, [
      ["config.json", new TextEncoder().encode('{"a": 1}')],
      ["model.weights.h5", { file: join(directory, "w.bin") }],
    ]);
    const script = [
      "import sys, zipfile, json, zlib",
      "z = zipfile.ZipFile(sys.argv[1])",
      "assert z.testzip() is None",
      "w = z.read('model.weights.h5')",
      "print(json.dumps({'names': z.namelist(), 'types': [i.compress_type for i in z.infolist()], 'config': z.read('config.json').decode(), 'size': len(w), 'crc': zlib.crc32(w)}))",
    ].join("\n");
    const report = JSON.parse(await runOracle(script, [archive]));
    assert.deepEqual(report.names, ["config.json", "model.weights.h5"]);
    assert.deepEqual(report.types, [0, 0]);
    assert.equal(report.config, '{"a": 1}');
    assert.equal(report.size, 300_000);
    const expected = readFileSync(join(directory, "w.bin"));
    assert.equal(report.crc, (await import("node:zlib")).crc32(expected));
  });
});

test("SafeZipFile reads what Python's zipfile writes, deflated members expanded in chunks", async (t) => {
  if (!requireOracle(t)) return;
  await withDirectory(async (directory) => {
    const archive = join(directory, "p.keras");
    const script = [
      "import sys, zipfile",
      "data = bytes((i * 31 + (i >> 8)) & 255 for i in range(9_000_000))",
      "with zipfile.ZipFile(sys.argv[1], 'w', compression=zipfile.ZIP_DEFLATED) as z:",
      "    z.writestr('config.json', '{\"b\": 2}')",
      "    z.writestr('model.weights.h5', data)",
    ].join("\n");
    await runOracle(script, [archive]);
    const zip = SafeZipFile.open(archive);
    try {
      assert.equal(new TextDecoder().decode(zip.read("config.json")), '{"b": 2}');
      const bytes = extract(zip, "model.weights.h5", join(directory, "w.bin"));
      assert.equal(bytes.length, 9_000_000);
      for (const index of [0, 1, 255, 256, 8_999_999]) assert.equal(bytes[index], (index * 31 + (index >> 8)) & 255);
    } finally {
      zip.close();
    }
  });
});

test("SafeZipFile refuses a member whose bytes do not match its CRC-32, and a file that is not a zip", () =>
  withDirectory((directory) => {
    const archive = join(directory, "c.keras");
    writeArchive(archive, [["model.weights.h5", pattern(5000, 1)]]);
    const bytes = readFileSync(archive);
    bytes[100] = bytes[100]! ^ 0xff; // inside the member's data
    writeFileSync(archive, bytes);
    const zip = SafeZipFile.open(archive);
    try {
      assert.throws(
        () => zip.read("model.weights.h5"),
        /c\.keras: member "model\.weights\.h5" does not match its recorded size and CRC-32\. The archive is corrupt\./,
      );
      assert.throws(() => extract(zip, "model.weights.h5", join(directory, "x")), /does not match its recorded size and CRC-32/);
      assert.throws(() => zip.read("config.json"), /c\.keras has no member "config\.json" \(members: model\.weights\.h5\)/);
    } finally {
      zip.close();
    }
    writeFileSync(join(directory, "n.keras"), "not a zip at all");
    assert.throws(() => SafeZipFile.open(join(directory, "n.keras")), /n\.keras is not a readable zip archive \(no end of central directory record\)/);
  }));

test("SafeZipFile refuses a deflated member that expands beyond its declared size", () =>
  withDirectory((directory) => {
    // A real deflated member, then its declared size lowered in both headers: the expansion must stop at the declared size.
    const zip = Buffer.from(zipSync({ "model.weights.h5": pattern(200_000, 2) }, { level: 6 }));
    const lower = (offset: number) => zip.writeUInt32LE(1000, offset);
    lower(22); // local header: uncompressed size
    lower(zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24); // central directory: uncompressed size
    const archive = join(directory, "b.keras");
    writeFileSync(archive, zip);
    const file = SafeZipFile.open(archive);
    try {
      assert.throws(
        () => extract(file, "model.weights.h5", join(directory, "x")),
        /b\.keras: member "model\.weights\.h5" expands beyond the 1000 bytes its header declares\. Refusing a possible decompression bomb\./,
      );
    } finally {
      file.close();
    }
  }));
