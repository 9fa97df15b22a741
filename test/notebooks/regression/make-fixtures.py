"""Builds the regression fixture notebooks (run from the repository root after `npx tsc`):

    python3 test/notebooks/regression/make-fixtures.py

1. writes the cell sources, 2. records real outputs with `tskeras run --update`, 3. edits some
committed outputs on purpose: noise that --check must accept, and five real changes it must flag.
"""
import json, subprocess, sys
from pathlib import Path

here = Path(__file__).parent


def code(source, tags=()):
    return {"cell_type": "code", "metadata": {"tags": list(tags)} if tags else {}, "execution_count": None, "outputs": [], "source": source}


def markdown(source):
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def write(name, cells):
    (here / name).write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}, indent=1) + "\n")


checked = [
    markdown("# Regression fixture\nFive cells' committed outputs were changed on purpose (cells 3, 10, 13, 15, 17)."),
    code('console.log("stable line");\n6 * 7'),
    code('console.log("answer:", 40 + 2);'),
    code('import { tmpdir } from "node:os";\n'
         'const started = performance.now();\n'
         'console.log(`saved to ${tmpdir()}/tskeras-${process.pid}/model.keras at ${new Date().toISOString()}`);\n'
         'console.log(`epoch 1/1 - ${Math.round(performance.now() - started + 3)}ms/step - loss: ${0.1 + 0.2}`);\n'
         'console.log(`handle 0x${(0x7f000000 + process.pid).toString(16)}abc`);\n'
         'process.stdout.write(`10/32 [=====>......] - ETA: ${1 + Math.round(Math.random() * 3)}s\\r32/32 [============] - 1s 30ms/step\\n`);'),
    code('console.log("random:", Math.random());', ["nbval-ignore-output"]),
    code("// NBVAL_IGNORE_OUTPUT\nconsole.log(Date.now());"),
    code('throw new Error("this cell must never run under --check");', ["nbval-skip"]),
    code('// NBVAL_SKIP\nconsole.log("skipped by a first-line comment");'),
    code('throw new RangeError("expected failure");', ["raises-exception"]),
    code('throw new TypeError("bad shape [2, 3]");', ["nbval-raises-exception"]),
    code('console.log("run id:", Math.random().toString(36).slice(2, 10));'),
    code('display.html(`<div id="plot-${Math.random().toString(36).slice(2)}" style="height:${300 + Math.round(Math.random() * 10)}px"><b>Loss</b> curve</div>`);'),
    code('display.html("<table><tr><td>accuracy</td><td>high</td></tr></table>");'),
    code("display.json({ b: [1, 2], a: 0.1 + 0.2 });"),
    code('display.json({ layers: 3, name: "dense" });'),
    code("display.png(new Uint8Array([137, 80, 78, 71, Math.round(Math.random() * 255)]));"),
    code('console.log("checked under --lax:", [1, 2, 3].length);', ["nbval-check-output"]),
]
write("checked.ipynb", checked)
write("clean.ipynb", [
    code('const greeting = "hello";\nconsole.log(greeting.toUpperCase());\ngreeting.length'),
    code("// NBVAL_IGNORE_OUTPUT\nconsole.log(performance.now());"),
    code("[1, 2, 3].map((value) => value * 2)"),
])
write("parameters.ipynb", [
    markdown("Parameters, papermill style."),
    code('const epochs = 2;\nconst name = "demo";\nconst rates: number[] = [0.1];', ["parameters"]),
    code("console.log(`${name} trains for ${epochs} epochs at ${rates.join(\",\")}`);\nepochs * 10"),
])

cli = ["node", "dist/kernel/cli.js", "run", "--update", "--jobs", "1"]
subprocess.run(cli + [str(here / "checked.ipynb"), str(here / "clean.ipynb")], check=True)

# Deliberate edits of committed outputs.
notebook = json.loads((here / "checked.ipynb").read_text())
cells = notebook["cells"]


def set_text(cell_number, output_index, text, key=None):
    output = cells[cell_number - 1]["outputs"][output_index]
    if key is None:
        output["text"] = text.splitlines(keepends=True)
    else:
        output["data"][key] = text if key.endswith("json") else text.splitlines(keepends=True)


# Noise --check must accept: other temp dir, date, timing, address, float noise, progress redraws.
set_text(4, 0, "saved to /tmp/tskeras-4242/model.keras at 2026-01-02T03:04:05.678Z\n"
               "epoch 1/1 - 17ms/step - loss: 0.3\n"
               "handle 0x7f00abcdabc\n"
               "10/32 [=====>......] - ETA: 9s\r20/32 [=========>..] - ETA: 5s\r32/32 [============] - 4s 120ms/step\n")
set_text(5, 0, "random: 0.5\n")
set_text(6, 0, "1700000000000\n")
cells[6]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["kept as committed (nbval-skip)\n"]}]
cells[7]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["skipped by a first-line comment\n"]}]
set_text(11, 0, "run id: k3j2h1g0\n")
set_text(12, 0, '<div id="plot-zz9" style="height:301px">\n  <b>Loss</b>   curve\n</div>', "text/html")
set_text(14, 0, {"a": 0.30000000000000004, "b": [1, 2]}, "application/json")
cells[15]["outputs"][0]["data"]["image/png"] = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
# Real changes --check must flag.
set_text(3, 0, "answer: 41\n")
cells[9]["outputs"][0]["evalue"] = "bad shape [3, 2]"
set_text(13, 0, "<table><tr><td>precision</td><td>high</td></tr></table>", "text/html")
set_text(15, 0, {"layers": 2, "name": "dense"}, "application/json")
set_text(17, 0, "checked under --lax: 4\n")
(here / "checked.ipynb").write_text(json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
print("fixtures written", file=sys.stderr)
