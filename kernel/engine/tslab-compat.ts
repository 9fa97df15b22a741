/**
 * tslab's public display API (`import * as tslab from "tslab"`), implemented on our display sink
 * so notebooks written for tslab run unchanged.
 */
import { randomUUID } from "node:crypto";
import { currentDisplaySink, type MimeBundle } from "../../lib/display/sink.js";
import { version as typescriptVersion } from "typescript";
import { readFileSync } from "node:fs";

export interface Display {
  javascript(s: string): void;
  html(s: string): void;
  markdown(s: string): void;
  latex(s: string): void;
  svg(s: string): void;
  png(b: Uint8Array): void;
  jpeg(b: Uint8Array): void;
  gif(b: Uint8Array): void;
  pdf(b: Uint8Array): void;
  text(s: string): void;
  raw(contentType: string, b: string | Uint8Array): void;
}

const packageJson = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };

export const versions = { tslab: `tskeras ${packageJson.version}`, typescript: typescriptVersion, node: process.version };

function createDisplay(displayId: string | undefined): Display {
  let shown = false;
  const send = (mime: string, content: string | Uint8Array): void => {
    const data = typeof content === "string" ? content : Buffer.from(content).toString("base64");
    const bundle: MimeBundle = { [mime]: data };
    const sink = currentDisplaySink();
    if (!sink) {
      console.log(typeof content === "string" ? content : `<${mime}, ${content.length} bytes>`);
      return;
    }
    sink.displayData(bundle, {}, displayId ? { display_id: displayId } : {}, displayId !== undefined && shown);
    shown = true;
  };
  return {
    javascript: (s) => send("application/javascript", s),
    html: (s) => send("text/html", s),
    markdown: (s) => send("text/markdown", s),
    latex: (s) => send("text/latex", s),
    svg: (s) => send("image/svg+xml", s),
    png: (b) => send("image/png", b),
    jpeg: (b) => send("image/jpeg", b),
    gif: (b) => send("image/gif", b),
    pdf: (b) => send("application/pdf", b),
    text: (s) => send("text/plain", s),
    raw: (contentType, b) => send(contentType, b),
  };
}

export const display: Display = createDisplay(undefined);

/** A display that overwrites its single output entry on every call. */
export function newDisplay(): Display {
  return createDisplay(randomUUID());
}
