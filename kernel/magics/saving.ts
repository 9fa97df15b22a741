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
      const [{ describeSavedFile, variableMapOf }, { renderVariableMap, variableMapJson }] = await Promise.all([
        import("../../lib/inspect/index.js"),
        import("../../lib/display/renderers/variable-map.js"),
      ]);
      let description: Awaited<ReturnType<typeof describeSavedFile>>;
      try {
        description = await describeSavedFile(path);
      } catch (error) {
        throw new UsageError(`%inspect ${path}: ${(error as Error).message}`);
      }
      const map = variableMapOf(path, description);
      // The tree is the view; the list as data rides in the output's metadata.
      await display(renderVariableMap(map), { raw: true, metadata: { tskeras: { variableMap: variableMapJson(map) } } });
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
      const config =
        typeof value.toJSON === "function" && "layers" in value
          ? value.toJSON(null, false)
          : typeof value.getConfig === "function"
            ? value.getConfig()
            : undefined;
      if (config === undefined) throw new UsageError(`"${line.trim()}" has no Keras config: %config takes a model or a layer.`);
      const { renderConfig } = await import("../../lib/display/renderers/config-tree.js");
      await display(renderConfig(config), { raw: true, metadata: { tskeras: { config } } });
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
      const { tf } = await import("../../lib/index.js");
      const latest = tf.train.latestCheckpoint(directory);
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
      const text = rows
        .map(
          (row) =>
            `${row.latest ? "*" : " "} ${row.prefix.padEnd(24)} ${formatSize(row.bytes).padStart(10)}  ${row.time.toISOString().replace("T", " ").slice(0, 19)}`,
        )
        .join("\n");
      const { cellStyle: cell, headerStyle: header, tableStyle } = await import("../../lib/display/renderers/html.js");
      const html = `<table style="${tableStyle}"><tr><th style="${header}">checkpoint</th><th style="${header}">size</th><th style="${header}">written</th></tr>${rows
        .map(
          (row) =>
            `<tr><td style="${cell}">${row.prefix}${row.latest ? " <b>(latest)</b>" : ""}</td><td style="${cell}">${formatSize(row.bytes)}</td><td style="${cell}">${row.time.toISOString().replace("T", " ").slice(0, 19)}</td></tr>`,
        )
        .join("")}</table>`;
      await display(
        { "text/plain": `${directory}: ${rows.length} checkpoint${rows.length === 1 ? "" : "s"} (* latest)\n${text}`, "text/html": html },
        { raw: true },
      );
    },
  },
  {
    name: "diff",
    help: "%diff A B compares two saves variable by variable (TensorFlow checkpoints, SavedModel folders, .h5 or .keras files): keys only in one, shape changes, and the largest absolute difference of each shared value.",
    line: async (line) => {
      const [first, second] = (line.trim().match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map(unquote);
      if (!first || !second)
        throw new UsageError("%diff needs two saves to compare, e.g. %diff training_1/cp.ckpt training_2/cp-0050.ckpt or %diff before.h5 after.h5");
      const { readStoredVariables } = await import("../../lib/inspect/index.js");
      const [a, b] = await Promise.all(
        [first, second].map((path) =>
          readStoredVariables(path).catch((error: Error) => {
            throw new UsageError(`%diff: ${error.message.replace(/\s*\n\s*/g, " ")}`);
          }),
        ),
      );
      const lines: string[] = [];
      let changed = 0;
      let reshaped = 0;
      for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
        const [va, vb] = [a.get(key), b.get(key)];
        if (!vb) lines.push(`- ${key} (only in ${first})`);
        else if (!va) lines.push(`+ ${key} (only in ${second})`);
        else if (va.shape.join(",") !== vb.shape.join(",")) {
          reshaped++;
          lines.push(`~ ${key}: shape [${va.shape.join(", ")}] → [${vb.shape.join(", ")}]`);
        } else if (va.values && vb.values) {
          let largest = 0;
          for (let index = 0; index < va.values.length; index++) largest = Math.max(largest, Math.abs(Number(va.values[index]) - Number(vb.values[index])));
          if (largest > 0) {
            changed++;
            lines.push(`~ ${key}: max |Δ| = ${largest.toPrecision(4)}`);
          }
        }
      }
      const same = [...a.keys()].filter((key) => b.has(key)).length - changed - reshaped;
      await display({ "text/plain": `${lines.join("\n")}${lines.length ? "\n" : ""}${same} shared variables equal, ${changed} differ.` }, { raw: true });
    },
  },
);
