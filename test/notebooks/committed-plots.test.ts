import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repositoryRoot as root } from "../support/kernelspec.js";
import { testVenv } from "../browser/jupyter-server.js";

type Output = { output_type: string; data?: Record<string, unknown> };
type Notebook = { cells: Array<{ cell_type: string; outputs?: Output[] }> };
const text = (value: unknown) => (Array.isArray(value) ? value.join("") : String(value));

/**
 * nbconvert 7 from the test venv (what `pip install nbconvert` gives) to HTML. Debian's nbconvert
 * 6.5 is not used here: it passes SVG outputs through lxml's cleaner, which drops every SVG element.
 */
function toHtml(notebook: Notebook, name: string): string {
  const nbconvert = join(testVenv, "bin", "jupyter-nbconvert");
  assert.ok(existsSync(nbconvert), `${nbconvert} is missing: run bash scripts/test-prerequisites.sh`);
  const directory = mkdtempSync(join(tmpdir(), "tskeras-committed-"));
  writeFileSync(join(directory, `${name}.ipynb`), JSON.stringify(notebook));
  const run = spawnSync(nbconvert, ["--to", "html", `${name}.ipynb`], { cwd: directory, encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  return readFileSync(join(directory, `${name}.html`), "utf8");
}

describe("notebooks/save_load_magics.ipynb as committed", () => {
  const path = join(root, "notebooks/save_load_magics.ipynb");
  const notebook = JSON.parse(readFileSync(path, "utf8")) as Notebook;
  const plots = notebook.cells.flatMap((cell) => cell.outputs ?? []).filter((output) => output.data?.["application/vnd.plotly.v1+json"] !== undefined);

  it("stays under 1 MB with its outputs, and carries no plotly.js or script", () => {
    assert.ok(statSync(path).size < 1_000_000, `${statSync(path).size} bytes`);
    assert.doesNotMatch(readFileSync(path, "utf8"), /<script|window\.Plotly/);
    assert.ok(plots.length >= 1, "the notebook has its training plot");
  });

  it("shows its plots in nbconvert's HTML, and as images when HTML and JavaScript are stripped (GitHub, nbviewer)", () => {
    const html = toHtml(notebook, "full");
    assert.equal(html.match(/class="tskeras-plot"/g)?.length, plots.length);
    assert.ok((html.match(/<g class="trace"/g)?.length ?? 0) >= 2 * plots.length, "the inline SVG keeps its curves");
    const stripped: Notebook = {
      ...notebook,
      cells: notebook.cells.map((cell) => ({
        ...cell,
        ...(cell.outputs
          ? {
              outputs: cell.outputs.map((output) =>
                output.data
                  ? {
                      ...output,
                      data: Object.fromEntries(Object.entries(output.data).filter(([mime]) => mime !== "text/html" && mime !== "application/javascript")),
                    }
                  : output,
              ),
            }
          : {}),
      })),
    };
    const page = toHtml(stripped, "stripped");
    assert.doesNotMatch(page, /class="tskeras-plot"/);
    for (const plot of plots) {
      const traces = text(plot.data!["image/svg+xml"]).match(/<g class="trace"/g)?.length ?? 0;
      assert.ok(traces >= 2, "the static image has the curves");
    }
    const images = [...page.matchAll(/<img [^>]*src="data:image\/svg\+xml;base64,([^"]+)"/g)]
      .map((match) => Buffer.from(match[1]!, "base64").toString("utf8"))
      .filter((svg) => svg.includes('class="tskeras-chart"'));
    assert.equal(images.length, plots.length, "each plot is shown as its SVG image");
    assert.ok(images.every((svg) => (svg.match(/<polyline /g)?.length ?? 0) >= 2));
  });
});
