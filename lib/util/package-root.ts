import { fileURLToPath } from "node:url";

/** The tskeras package root (dist/lib/util/package-root.js is three levels below it). */
export const packageRoot = fileURLToPath(new URL("../../../", import.meta.url));
