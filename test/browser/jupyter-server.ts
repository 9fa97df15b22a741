import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { freePort } from "../support/free-port.js";

export interface JupyterServer {
  url: string;
  token: string;
  /** What the server printed so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/** Starts Debian's classic Jupyter Notebook server on loopback, serving `directory`. */
export async function startNotebookServer(directory: string, environment: NodeJS.ProcessEnv): Promise<JupyterServer> {
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  return waitForServer(
    "jupyter notebook",
    spawn(
      "jupyter",
      [
        "notebook",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        `--port=${port}`,
        "--port-retries=0",
        `--NotebookApp.token=${token}`,
        `--notebook-dir=${directory}`,
      ],
      { env: environment, stdio: ["ignore", "pipe", "pipe"] },
    ),
    port,
    token,
  );
}

/** The test venv (scripts/test-prerequisites.sh installs JupyterLab 4 and Notebook 7 there from test/setup/requirements.txt). */
export const testVenv = process.env["TSKERAS_TEST_VENV"] ?? join(homedir(), ".cache", "tskeras", "test-venv");

/**
 * Starts JupyterLab 4 (`lab`) or Notebook 7 (`notebook`) from the test venv on loopback, on a free
 * port, serving `directory`. JUPYTERLAB_SETTINGS_DIR in `environment` points at the user settings
 * (theme, news) the test writes.
 */
export async function startVenvJupyter(app: "lab" | "notebook", directory: string, environment: NodeJS.ProcessEnv): Promise<JupyterServer> {
  const executable = join(testVenv, "bin", app === "lab" ? "jupyter-lab" : "jupyter-notebook");
  if (!existsSync(executable))
    throw new Error(
      `${executable} not found: run \`bash scripts/test-prerequisites.sh\` (npm test does); it installs test/setup/requirements.txt into ${testVenv}`,
    );
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const child = spawn(
    executable,
    [
      "--no-browser",
      "--allow-root",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${directory}`,
      "--LabApp.news_url=",
      "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ],
    { env: { ...environment, PATH: `${join(testVenv, "bin")}:${environment.PATH ?? ""}` }, stdio: ["ignore", "pipe", "pipe"] },
  );
  return waitForServer(app === "lab" ? "jupyter lab" : "jupyter notebook 7", child, port, token);
}

async function waitForServer(name: string, child: ChildProcess, port: number, token: string): Promise<JupyterServer> {
  let log = "";
  child.stdout!.on("data", (chunk) => (log += chunk));
  child.stderr!.on("data", (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${log}`);
    try {
      const response = await fetch(`${url}/api/status?token=${token}`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${name} did not answer within 60 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    token,
    log: () => log,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}
