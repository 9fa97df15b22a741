# Independent reader of a TF bundle .index (struct + pure-Python CRC32C), used by the tests to
# check files tskeras writes. Prints JSON: footer magic, block CRC results, entries.
import json, struct, sys

POLY = 0x82F63B78
TABLE = []
for n in range(256):
    c = n
    for _ in range(8):
        c = (c >> 1) ^ POLY if c & 1 else c >> 1
    TABLE.append(c)

def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF

def unmask(m):
    r = (m - 0xA282EAD8) & 0xFFFFFFFF
    return ((r >> 17) | (r << 15)) & 0xFFFFFFFF

def varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]; pos += 1
        result |= (b & 0x7F) << shift; shift += 7
        if not b & 0x80:
            return result, pos

def block(buf, off, size, report):
    contents = buf[off:off + size]
    kind = buf[off + size]
    stored = struct.unpack_from("<I", buf, off + size + 1)[0]
    report["blocks"].append({"type": kind, "crc_ok": unmask(stored) == crc32c(buf[off:off + size + 1])})
    n = struct.unpack_from("<I", contents, len(contents) - 4)[0]
    restarts = list(struct.unpack_from("<%dI" % n, contents, len(contents) - 4 - 4 * n))
    end = len(contents) - 4 - 4 * n
    entries, pos, key = [], 0, b""
    while pos < end:
        start = pos
        shared, pos = varint(contents, pos)
        unshared, pos = varint(contents, pos)
        vlen, pos = varint(contents, pos)
        key = key[:shared] + contents[pos:pos + unshared]; pos += unshared
        entries.append({"key": key, "value": contents[pos:pos + vlen], "start": start, "shared": shared})
        pos += vlen
    return entries, restarts

def proto_fields(buf):
    fields, pos = {}, 0
    while pos < len(buf):
        tag, pos = varint(buf, pos)
        num, wt = tag >> 3, tag & 7
        if wt == 0:
            v, pos = varint(buf, pos)
        elif wt == 2:
            n, pos = varint(buf, pos); v = buf[pos:pos + n]; pos += n
        elif wt == 5:
            v = struct.unpack_from("<I", buf, pos)[0]; pos += 4
        else:
            raise ValueError("wire type %d" % wt)
        fields.setdefault(num, []).append(v)
    return fields

buf = open(sys.argv[1], "rb").read()
footer = buf[-48:]
report = {"magic": "%016x" % struct.unpack_from("<Q", footer, 40)[0], "blocks": [], "entries": []}
meta_off, p = varint(footer, 0); meta_size, p = varint(footer, p)
idx_off, p = varint(footer, p); idx_size, p = varint(footer, p)
report["footer_padding_zero"] = all(b == 0 for b in footer[p:40])
meta_entries, _ = block(buf, meta_off, meta_size, report)
report["metaindex_entries"] = len(meta_entries)
index_entries, index_restarts = block(buf, idx_off, idx_size, report)
report["index_restart_interval_1"] = len(index_restarts) == len(index_entries)
for ie in index_entries:
    off, p = varint(ie["value"], 0); size, p = varint(ie["value"], p)
    entries, restarts = block(buf, off, size, report)
    report["data_restarts"] = restarts
    report["restart_starts_have_shared_0"] = all(any(e["start"] == r and e["shared"] == 0 for e in entries) for r in restarts)
    for e in entries:
        f = proto_fields(e["value"])
        item = {"key": e["key"].decode()}
        if e["key"] == b"":
            v = proto_fields(f[3][0]) if 3 in f else {}
            item.update(num_shards=f.get(1, [0])[0], endianness=f.get(2, [0])[0], producer=v.get(1, [0])[0])
        else:
            shape = proto_fields(f[2][0]) if 2 in f else {}
            dims = [proto_fields(d).get(1, [0])[0] for d in shape.get(2, [])]
            item.update(dtype=f.get(1, [0])[0], shape=dims, shard=f.get(3, [0])[0], offset=f.get(4, [0])[0], size=f.get(5, [0])[0], crc_masked=f.get(6, [0])[0])
        report["entries"].append(item)
if len(sys.argv) > 2:
    data = open(sys.argv[2], "rb").read()
    for item in report["entries"][1:]:
        item["data_crc_ok"] = unmask(item["crc_masked"]) == crc32c(data[item["offset"]:item["offset"] + item["size"]])
print(json.dumps(report))
