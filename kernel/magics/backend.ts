import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { MagicDefinition } from "../../lib/magics/registry.js";
import { UsageError } from "../../lib/magics/registry.js";
import { packageRoot } from "../../lib/util/package-root.js";

interface BackendApi {
  getBackend(): string;
  setBackend(name: string): Promise<boolean>;
  engine(): { registryFactory: Record<string, unknown> };
}

export const backendMagics: MagicDefinition[] = [
  {
    name: "backend",
    help: "%backend shows the TensorFlow.js backend in use and the available ones; %backend NAME (wasm, cpu, tensorflow…) switches to it.",
    line: async (line, context) => {
      const { tf } = (await import(pathToFileURL(join(packageRoot, "dist/lib/index.js")).href)) as { tf: BackendApi };
      const available = Object.keys(tf.engine().registryFactory);
      const name = line.trim();
      if (name) {
        if (!available.includes(name))
          throw new UsageError(
            `No TensorFlow.js backend named "${name}". Available: ${available.join(", ")}. The native "tensorflow" backend comes from \`npx tskeras backend install\` (it builds against your pip TensorFlow).`,
          );
        if (!(await tf.setBackend(name))) throw new UsageError(`The "${name}" backend failed to initialize; still using "${tf.getBackend()}".`);
      }
      const current = tf.getBackend();
      const hint =
        current === "tensorflow"
          ? "%backend wasm switches back for this session; TSKERAS_BACKEND=wasm or `npx tskeras backend remove` for good"
          : available.includes("tensorflow")
            ? "%backend tensorflow switches to the native backend"
            : "a native TensorFlow backend: `npx tskeras backend install`; see README, Backends";
      context.print(`Backend: ${current} (available: ${available.join(", ")}; ${hint})\n`);
    },
  },
];
