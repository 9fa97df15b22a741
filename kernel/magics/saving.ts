import type { MagicDefinition } from "../../lib/magics/registry.js";
import { UsageError } from "../../lib/magics/registry.js";
import { unquote } from "./arguments.js";
import { display } from "../../lib/display/display.js";


/** Save/load magics: thin wrappers over the library's formats, never format code of their own. */
export const savingMagics: MagicDefinition[] = [
  {
    name: "inspect",
    help: "%inspect PATH shows the variables of a saved model (checkpoint prefix, .h5, .keras, SavedModel folder, model.json) as a tree by object path, with dtype, shape and size.",
    line: async (line) => {
      const path = unquote(line);
      if (!path) throw new UsageError("%inspect needs a path, e.g. %inspect training_1/cp.ckpt");
      const [{ describeSavedFile, variableMapOf }, { renderVariableMap }] = await Promise.all([
        import("../../lib/formats/describe.js"),
        import("../../lib/display/renderers/variable-map.js"),
      ]);
      let description;
      try {
        description = await describeSavedFile(path);
      } catch (error) {
        throw new UsageError(`%inspect ${path}: ${(error as Error).message}`);
      }
      await display(renderVariableMap(variableMapOf(path, description)), { raw: true });
    },
  },
];

function notebookValue(name: string): unknown {
  const scope = globalThis as Record<string, unknown>;
  if (!/^[A-Za-z_$][\w$]*$/.test(name) || !(name in scope) || scope[name] === undefined) {
    throw new UsageError(`No variable named "${name}" in the notebook. Give the name of a model defined in an earlier cell.`);
  }
  return scope[name];
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

savingMagics.push(
  {
    name: "summary",
    help: "%summary MODEL prints the Keras summary of a model variable.",
    line: (line) => {
      const model = notebookValue(line.trim()) as { summary?: () => void };
      if (typeof model.summary !== "function") throw new UsageError(`"${line.trim()}" has no summary(): %summary takes a Keras model.`);
      model.summary();
    },
  },
  {
    name: "config",
    help: "%config MODEL shows a model's (or layer's) Keras JSON config as a collapsible tree.",
    line: async (line) => {
      const value = notebookValue(line.trim()) as { toJSON?: (unused?: unknown, returnString?: boolean) => unknown; getConfig?: () => unknown };
      const config = typeof value.toJSON === "function" && "layers" in value ? value.toJSON(null, false) : typeof value.getConfig === "function" ? value.getConfig() : undefined;
      if (config === undefined) throw new UsageError(`"${line.trim()}" has no Keras config: %config takes a model or a layer.`);
      const { renderConfig } = await import("../../lib/display/renderers/config-tree.js");
      await display(renderConfig(config), { raw: true });
    },
  },
  {
    name: "checkpoints",
    help: "%checkpoints DIR lists the TensorFlow checkpoints in a folder: prefix, size, time, and which one is the latest.",
    line: async (line) => {
      const directory = unquote(line) || ".";
      const { existsSync, readdirSync, statSync } = await import("node:fs");
      const { join, resolve } = await import("node:path");
      if (!existsSync(directory) || !statSync(directory).isDirectory()) throw new UsageError(`%checkpoints: ${directory} is not a folder.`);
      const { latestCheckpoint } = await import("../../lib/formats/checkpoint/state-file.js");
      const latest = latestCheckpoint(directory);
      const files = readdirSync(directory);
      const rows = files
        .filter((file) => file.endsWith(".index"))
        .map((index) => {
          const prefix = index.slice(0, -".index".length);
          const parts = files.filter((file) => file === index || file.startsWith(`${prefix}.data-`));
          const bytes = parts.reduce((sum, file) => sum + statSync(join(directory, file)).size, 0);
          const time = statSync(join(directory, index)).mtime;
          return { prefix, bytes, time, latest: latest !== undefined && resolve(directory, prefix) === resolve(latest) };
        })
        .sort((a, b) => a.time.getTime() - b.time.getTime() || a.prefix.localeCompare(b.prefix));
      if (rows.length === 0) throw new UsageError(`%checkpoints: no checkpoints (*.index files) in ${directory}.`);
      const text = rows.map((row) => `${row.latest ? "*" : " "} ${row.prefix.padEnd(24)} ${formatSize(row.bytes).padStart(10)}  ${row.time.toISOString().replace("T", " ").slice(0, 19)}`).join("\n");
      const cell = "border:1px solid #ccc;padding:2px 8px;font-family:monospace;font-size:12px";
      const html = `<table style="border-collapse:collapse"><tr><th style="${cell}">checkpoint</th><th style="${cell}">size</th><th style="${cell}">written</th></tr>${rows
        .map((row) => `<tr><td style="${cell}">${row.prefix}${row.latest ? " <b>(latest)</b>" : ""}</td><td style="${cell}">${formatSize(row.bytes)}</td><td style="${cell}">${row.time.toISOString().replace("T", " ").slice(0, 19)}</td></tr>`)
        .join("")}</table>`;
      await display({ "text/plain": `${directory}: ${rows.length} checkpoint${rows.length === 1 ? "" : "s"} (* latest)\n${text}`, "text/html": html }, { raw: true });
    },
  },
  {
    name: "diff",
    help: "%diff A B compares two TensorFlow checkpoints variable by variable: keys only in one, shape changes, and the largest absolute difference of each shared value.",
    line: async (line) => {
      const [first, second] = line.trim().split(/\s+/).map(unquote);
      if (!first || !second) throw new UsageError("%diff needs two checkpoint prefixes, e.g. %diff training_1/cp.ckpt training_2/cp-0050.ckpt");
      const { loadCheckpoint, checkpointTensorToTf, OBJECT_GRAPH_KEY } = await import("../../lib/formats/checkpoint/index.js");
      const [a, b] = [first, second].map((path) => {
        try {
          return loadCheckpoint(path);
        } catch (error) {
          throw new UsageError(`%diff: ${(error as Error).message}`);
        }
      });
      const keysA = new Set(a!.keys().filter((key) => key !== OBJECT_GRAPH_KEY));
      const keysB = new Set(b!.keys().filter((key) => key !== OBJECT_GRAPH_KEY));
      const lines: string[] = [];
      let changed = 0;
      for (const key of [...new Set([...keysA, ...keysB])].sort()) {
        if (!keysB.has(key)) lines.push(`- ${key} (only in ${first})`);
        else if (!keysA.has(key)) lines.push(`+ ${key} (only in ${second})`);
        else {
          const [ta, tb] = [a!.getTensor(key), b!.getTensor(key)];
          if (ta.shape.join(",") !== tb.shape.join(",")) lines.push(`~ ${key}: shape [${ta.shape.join(", ")}] → [${tb.shape.join(", ")}]`);
          else if (ta.dtype !== "string") {
            const [va, vb] = [checkpointTensorToTf(ta).dataSync(), checkpointTensorToTf(tb).dataSync()];
            let largest = 0;
            for (let index = 0; index < va.length; index++) largest = Math.max(largest, Math.abs(Number(va[index]) - Number(vb[index])));
            if (largest > 0) {
              changed++;
              lines.push(`~ ${key}: max |Δ| = ${largest.toPrecision(4)}`);
            }
          }
        }
      }
      const same = [...keysA].filter((key) => keysB.has(key)).length - changed - lines.filter((entry) => entry.includes("shape")).length;
      await display({ "text/plain": `${lines.join("\n")}${lines.length ? "\n" : ""}${same} shared variables equal, ${changed} differ.` }, { raw: true });
    },
  },
);
