import type { ConnectionInfo } from "./connection-file.js";
import type { JupyterMessage, MessageHeader } from "./wire.js";

/** Messages between the kernel's main thread and the socket worker. */
export type ToWorker =
  | {
      kind: "send";
      channel: "shell" | "control" | "iopub";
      msgType: string;
      content: Record<string, unknown>;
      parent: { header: Partial<MessageHeader>; identities: Uint8Array[] } | undefined;
      metadata?: Record<string, unknown>;
      /** Set on an execute error reply under stop_on_error: requests arriving after it start a new abort epoch. */
      endsAbortEpoch?: boolean;
    }
  /** Close every socket (before the process exits: ZeroMQ aborts if sockets are open at exit). */
  | { kind: "close" }
  | { kind: "input"; prompt: string; password: boolean; parent: { header: Partial<MessageHeader>; identities: Uint8Array[] }; shared: SharedArrayBuffer };

export type FromWorker =
  | { kind: "ready" }
  /**
   * `epoch` counts the error replies sent before the request arrived: after a failed cell, the
   * kernel aborts exactly the requests that arrived before its reply went out (ipykernel's rule).
   */
  | { kind: "request"; channel: "shell" | "control"; message: JupyterMessage; epoch: number }
  | { kind: "interrupt" }
  | { kind: "closed" };

export interface WorkerStart {
  connection: ConnectionInfo;
  session: string;
  /** kernel_info_reply content: the worker answers kernel_info itself, so it is fast even while a cell runs. */
  kernelInfo: Record<string, unknown>;
}

/** Layout of the shared buffer for a blocking input request: [state, byte length] then UTF-8 bytes. */
export const inputState = { waiting: 0, answered: 1, interrupted: 2 } as const;
export const inputHeaderBytes = 8;
export const inputBufferBytes = 1 << 20;
