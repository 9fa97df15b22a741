import { readFileSync } from "node:fs";

/** What a Jupyter connection file says (https://jupyter-client.readthedocs.io/en/latest/kernels.html#connection-files). */
export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export type Channel = "shell" | "control" | "stdin" | "iopub" | "hb";

export function readConnectionFile(path: string): ConnectionInfo {
  let info: ConnectionInfo;
  try {
    info = JSON.parse(readFileSync(path, "utf8")) as ConnectionInfo;
  } catch (error) {
    throw new Error(
      `Cannot read the connection file ${path}: ${(error as Error).message}. Jupyter writes it when it starts a kernel; start tskeras through Jupyter (or pass --connection-file with a valid file).`,
    );
  }
  for (const port of ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const) {
    if (!Number.isInteger(info[port])) throw new Error(`The connection file ${path} has no valid ${port}.`);
  }
  if (info.signature_scheme && info.signature_scheme !== "hmac-sha256" && info.key) {
    throw new Error(`The connection file ${path} asks for signature scheme "${info.signature_scheme}"; tskeras signs with hmac-sha256 (Jupyter's default).`);
  }
  return { ...info, transport: info.transport ?? "tcp", key: info.key ?? "" };
}

export function channelAddress(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port` as const];
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}
