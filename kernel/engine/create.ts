import { TypeScriptEngine, type EngineOptions } from "./typescript-engine.js";
import type { LanguageEngine } from "./types.js";

/** The kernel's and the runner's single entry point to the language engine. */
export function createEngine(options: EngineOptions): LanguageEngine {
  return new TypeScriptEngine(options);
}
