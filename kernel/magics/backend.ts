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
        if (!available.includes(name)) throw new UsageError(`No TensorFlow.js backend named "${name}". Available: ${available.join(", ")}. Faster ones come from installing @tensorflow/tfjs-node (or -gpu) next to the notebook.`);
        if (!(await tf.setBackend(name))) throw new UsageError(`The "${name}" backend failed to initialize; still using "${tf.getBackend()}".`);
      }
      context.print(`Backend: ${tf.getBackend()} (available: ${available.join(", ")})\n`);
    },
  },
];
