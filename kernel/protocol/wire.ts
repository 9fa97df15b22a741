import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

/** Jupyter message header (protocol 5.3). */
export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface JupyterMessage<Content = Record<string, unknown>> {
  /** ZeroMQ routing identities the message came with (replies go back to them). */
  identities: Buffer[];
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Content;
  buffers: Buffer[];
}

export const protocolVersion = "5.3";
const delimiter = Buffer.from("<IDS|MSG>");

export function createHeader(msgType: string, session: string): MessageHeader {
  return { msg_id: randomUUID(), session, username: "tskeras", date: new Date().toISOString(), msg_type: msgType, version: protocolVersion };
}

function sign(key: string, parts: Buffer[]): string {
  if (!key) return "";
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

/** Frames of a message: identities, delimiter, HMAC-SHA256 signature, the four JSON parts, buffers. */
export function encodeMessage(message: Omit<JupyterMessage, "buffers"> & { buffers?: Buffer[] }, key: string): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((part) => Buffer.from(JSON.stringify(part)));
  return [...message.identities, delimiter, Buffer.from(sign(key, parts)), ...parts, ...(message.buffers ?? [])];
}

export class ForgedMessageError extends Error {
  override name = "ForgedMessageError";
}

/**
 * Parses and verifies incoming frames. With a key, a missing or wrong signature is rejected
 * (timing-safe comparison), so a peer without the connection file's key cannot run code.
 */
export function decodeMessage(frames: Buffer[], key: string): JupyterMessage {
  const split = frames.findIndex((frame) => frame.equals(delimiter));
  if (split < 0 || frames.length < split + 6) throw new ForgedMessageError(`a message with ${frames.length} frames and no complete <IDS|MSG> section`);
  const signature = frames[split + 1]!;
  const parts = frames.slice(split + 2, split + 6);
  if (key) {
    const expected = Buffer.from(sign(key, parts));
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected))
      throw new ForgedMessageError("a message whose HMAC signature does not match the connection key");
  }
  const [header, parentHeader, metadata, content] = parts.map((part) => JSON.parse(part.toString("utf8")) as Record<string, unknown>);
  if (!header || typeof header.msg_type !== "string") throw new ForgedMessageError("a message without a msg_type in its header");
  return {
    identities: frames.slice(0, split),
    header: header as unknown as MessageHeader,
    parent_header: (parentHeader ?? {}) as Partial<MessageHeader>,
    metadata: metadata ?? {},
    content: content ?? {},
    buffers: frames.slice(split + 6),
  };
}
