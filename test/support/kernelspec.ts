import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (compiled tests live in dist/test/<area>/). */
export const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * Installs the tskeras kernelspec into a private prefix and returns an environment in which Jupyter
 * tools find it (and nothing of the user's own Jupyter set-up leaks in).
 */
export function kernelEnvironment(): NodeJS.ProcessEnv {
  const prefix = mkdtempSync(join(tmpdir(), "tskeras-prefix-"));
  const install = spawnSync(process.execPath, [join(repositoryRoot, "dist/kernel/cli.js"), "install", "--prefix", prefix], { encoding: "utf8" });
  assert.equal(install.status, 0, `tskeras install failed: ${install.stderr}${install.stdout}`);
  return {
    ...process.env,
    JUPYTER_PATH: join(prefix, "share/jupyter"),
    JUPYTER_DATA_DIR: join(prefix, "data"),
    JUPYTER_CONFIG_DIR: join(prefix, "config"),
    JUPYTER_RUNTIME_DIR: join(prefix, "runtime"),
    TSKERAS_HISTORY_FILE: join(prefix, "history.jsonl"),
    // Kernels run on cpu, or on the native backend in test/run.mjs's native pass.
    TSKERAS_BACKEND: process.env.TSKERAS_BACKEND === "tensorflow" ? "tensorflow" : "cpu",
  };
}
