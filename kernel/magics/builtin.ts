import { magicRegistry, type MagicDefinition } from "../../lib/magics/registry.js";
import { backendMagics } from "./backend.js";
import { displayMagics } from "./display-magics.js";
import { fileMagics } from "./files.js";
import { helpMagics } from "./help.js";
import { namespaceMagics } from "./namespace.js";
import { savingMagics } from "./saving.js";
import { saveLoadMagics } from "./save-load.js";
import { shellMagics } from "./shell.js";
import { timeMagics } from "./time.js";

/** Adds the built-in magics; a magic the user registered under the same name is kept. */
export function registerBuiltinMagics(extra: MagicDefinition[] = []): void {
  const registry = magicRegistry();
  for (const magic of [
    ...timeMagics,
    ...shellMagics,
    ...fileMagics,
    ...namespaceMagics,
    ...helpMagics,
    ...backendMagics,
    ...displayMagics,
    ...savingMagics,
    ...saveLoadMagics,
    ...extra,
  ]) {
    if (!registry.has(magic.name)) registry.set(magic.name, magic);
  }
}
