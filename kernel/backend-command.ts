/**
 * `tskeras backend install|status|remove`: builds the native TensorFlow backend (tfjs-node's N-API
 * binding) against the libtensorflow inside a pip TensorFlow the user already has, with nothing
 * downloaded but npm packages: tfjs-node's own install would fetch libtensorflow 2.9.1.
 *
 * Steps: find TensorFlow (a Python's site-packages, or members unzipped from a wheel) → npm install
 * tfjs-node(-gpu) with --ignore-scripts into tskeras's native folder → drop the packages tskeras
 * already has → put the C headers in deps/include and the libraries under the names the binding
 * links (deps/lib) → node-gyp against the running Node's own headers → load it in a fresh process
 * and check TF's version and a matMul → write the record that backend selection looks for.
 * `--gpu` takes the same path into tfjs-node-gpu (same binding, libraries from a GPU wheel).
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  copyFileSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import {
  nativeBackendDirectory,
  nativePackages,
  nativePackageVersion,
  nativeRecordPath,
  readNativeBuildRecord,
  type NativeBuildRecord,
  type NativeFlavor,
} from "../lib/backend/native-location.js";
import { packageRoot } from "../lib/util/package-root.js";

const usage = `usage: tskeras backend [status]
       tskeras backend install [--from PYTHON_OR_WHEEL] [--gpu]
       tskeras backend remove [--gpu]

  install   build the native TensorFlow backend from the TensorFlow of PYTHON (default: python3) or of a
            tensorflow/tensorflow-cpu wheel file; --gpu builds tfjs-node-gpu from a GPU-enabled TensorFlow
  status    which backend tskeras picks, and what was built
  remove    delete the built backend (tskeras goes back to WebAssembly)`;

/** The C headers the binding includes, relative to the wheel's tensorflow/include. */
const headers = [
  "tensorflow/c/c_api.h",
  "tensorflow/c/c_api_macros.h",
  "tensorflow/c/eager/c_api.h",
  "tensorflow/c/tf_attrtype.h",
  "tensorflow/c/tf_buffer.h",
  "tensorflow/c/tf_datatype.h",
  "tensorflow/c/tf_status.h",
  "tensorflow/c/tf_tensor.h",
  "tensorflow/c/tf_tstring.h",
  "tensorflow/core/platform/ctstring.h",
  "tensorflow/core/platform/ctstring_internal.h",
  "tsl/platform/ctstring.h",
  "tsl/platform/ctstring_internal.h",
  "xla/tsl/c/tsl_status.h",
];
const ccLibrary = "libtensorflow_cc.so.2";
const frameworkLibrary = "libtensorflow_framework.so.2";
/** The names tfjs-node's binding.gyp links, and the `.2.9.1` ones its install script checks. */
const ccLinkNames = ["libtensorflow.so", "libtensorflow.so.2", "libtensorflow.so.2.9.1", ccLibrary];
const frameworkLinkNames = ["libtensorflow_framework.so", "libtensorflow_framework.so.2.9.1", frameworkLibrary];

class BackendError extends Error {}

interface TensorFlowSource {
  version: string;
  /** The folder holding libtensorflow_cc.so.2, libtensorflow_framework.so.2 and include/. */
  directory: string;
  description: string;
  /** Libraries extracted from a wheel are moved into the build; a Python's are symlinked. */
  extracted: boolean;
}

function run(command: string, args: string[], options: SpawnSyncOptions & { what: string }): string {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw new BackendError(`${options.what}: could not run ${command} (${result.error.message}).`);
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-25).join("\n");
    throw new BackendError(`${options.what} failed (${command} ${args.join(" ")} exited with ${result.status ?? result.signal}):\n${output}`);
  }
  return String(result.stdout ?? "");
}

/** Where a Python's tensorflow package is, without importing it (that takes seconds and logs). */
function tensorflowOfPython(python: string): TensorFlowSource {
  const script = [
    "import importlib.util, importlib.metadata, json, os",
    "spec = importlib.util.find_spec('tensorflow')",
    "if spec is None or not spec.submodule_search_locations: print(json.dumps(None)); raise SystemExit",
    "version = None",
    "for name in ('tensorflow', 'tensorflow-cpu', 'tensorflow-gpu', 'tf-nightly', 'tf-nightly-cpu', 'tensorflow-intel'):",
    "    try: version = importlib.metadata.version(name); break",
    "    except importlib.metadata.PackageNotFoundError: pass",
    "print(json.dumps({'directory': list(spec.submodule_search_locations)[0], 'version': version}))",
  ].join("\n");
  const output = run(python, ["-c", script], { what: `Looking for TensorFlow in ${python}` });
  const found = JSON.parse(output.trim().split("\n").pop() ?? "null") as { directory: string; version: string | null } | null;
  if (!found) throw new BackendError(`${python} has no TensorFlow. Install one (pip install tensorflow-cpu==2.21.0) or pass --from PYTHON_OR_WHEEL.`);
  return { version: found.version ?? "unknown", directory: found.directory, description: `${python} (${found.directory})`, extracted: false };
}

/** Unzips the two libraries and the headers from a TensorFlow wheel (about 850 MB unpacked). */
function tensorflowOfWheel(wheel: string, into: string): TensorFlowSource {
  const match = /^(tensorflow[a-z_-]*|tf_nightly[a-z_]*)-([^-]+)-/.exec(basename(wheel));
  if (!match) throw new BackendError(`${wheel} is not a TensorFlow wheel (expected a name like tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl).`);
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  const members = [
    `tensorflow/${ccLibrary}`,
    `tensorflow/${frameworkLibrary}`,
    "tensorflow/THIRD_PARTY_NOTICES.txt",
    ...headers.map((header) => `tensorflow/include/${header}`),
  ];
  run("unzip", ["-q", "-o", wheel, ...members, "-d", into], { what: `Unzipping ${basename(wheel)} (needs the unzip command)` });
  return { version: match[2]!, directory: join(into, "tensorflow"), description: resolve(wheel), extracted: true };
}

function checkSource(source: TensorFlowSource): void {
  const missing = [ccLibrary, frameworkLibrary, ...headers.map((header) => `include/${header}`)].filter((name) => !existsSync(join(source.directory, name)));
  if (missing.length) {
    throw new BackendError(
      `The TensorFlow in ${source.directory} (${source.version}) lacks ${missing.join(", ")}. The native backend needs a TensorFlow 2.x wheel for Linux ` +
        `that ships libtensorflow_cc.so.2 and its C headers (tensorflow or tensorflow-cpu from pip, 2.21.0 is tested).`,
    );
  }
}

/** npm's own node-gyp, and Node's installation prefix whose include/node has the headers to build against. */
function buildTools(): { nodeGyp: string; nodeDirectory: string } {
  const nodeDirectory = resolve(dirname(process.execPath), "..");
  if (!existsSync(join(nodeDirectory, "include/node/node_api.h"))) {
    throw new BackendError(
      `Node's headers are not in ${nodeDirectory}/include/node (needed to build the binding without downloading them). Install Node from nodejs.org or a package with headers (Debian: libnode-dev).`,
    );
  }
  const npmDirectories = [join(nodeDirectory, "lib/node_modules/npm"), join(dirname(process.env.npm_execpath ?? ""), "..")];
  for (const directory of npmDirectories) {
    const script = join(directory, "node_modules/node-gyp/bin/node-gyp.js");
    if (existsSync(script)) return { nodeGyp: script, nodeDirectory };
  }
  throw new BackendError(`npm's node-gyp was not found under ${npmDirectories.join(" or ")}.`);
}

/**
 * Replaces packages the native folder got that tskeras already resolves at the same version with
 * symlinks to tskeras's copies: Node loads a module once per real path, so there is one tfjs-core
 * (one engine, one kernel registry) wherever the native folder is.
 */
function dropDuplicates(directory: string): string[] {
  const fromTskeras = createRequire(join(packageRoot, "package.json"));
  const dropped: string[] = [];
  const scope = join(directory, "node_modules/@tensorflow");
  for (const name of readdirSync(scope)) {
    const packageName = `@tensorflow/${name}`;
    if (Object.values(nativePackages).includes(packageName)) continue;
    const version = (JSON.parse(readFileSync(join(scope, name, "package.json"), "utf8")) as { version: string }).version;
    try {
      const theirPackageJson = realpathSync(fromTskeras.resolve(`${packageName}/package.json`));
      const theirs = JSON.parse(readFileSync(theirPackageJson, "utf8")) as { version: string };
      if (theirs.version === version) {
        rmSync(join(scope, name), { recursive: true });
        symlinkSync(dirname(theirPackageJson), join(scope, name), "dir");
        dropped.push(packageName);
      }
    } catch {
      // tskeras does not have it (tfjs-data, tfjs-backend-webgl): keep the native folder's copy
    }
  }
  return dropped;
}

function link(target: string, path: string): void {
  rmSync(path, { force: true });
  symlinkSync(target, path);
}

function placeLibraries(source: TensorFlowSource, deps: string): string {
  mkdirSync(join(deps, "include"), { recursive: true });
  for (const header of headers) {
    mkdirSync(dirname(join(deps, "include", header)), { recursive: true });
    copyFileSync(join(source.directory, "include", header), join(deps, "include", header));
  }
  const lib = join(deps, "lib");
  mkdirSync(lib, { recursive: true });
  let libraryDirectory = source.directory;
  if (source.extracted) {
    // Move the unzipped libraries in, so the build owns them; the other names point at them.
    for (const name of [ccLibrary, frameworkLibrary]) renameSync(join(source.directory, name), join(lib, name));
    libraryDirectory = lib;
  } else {
    link(join(source.directory, ccLibrary), join(lib, ccLibrary));
    link(join(source.directory, frameworkLibrary), join(lib, frameworkLibrary));
  }
  for (const name of ccLinkNames) if (name !== ccLibrary) link(ccLibrary, join(lib, name));
  for (const name of frameworkLinkNames) if (name !== frameworkLibrary) link(frameworkLibrary, join(lib, name));
  return libraryDirectory;
}

/** Loads tskeras with the built backend in a fresh process: backend name, TF version, a matMul. */
function verify(): { backend: string; tensorflowVersion: string; product: number[] } {
  const script = `
    const { tf } = await import(${JSON.stringify(join(packageRoot, "dist/lib/index.js"))});
    const product = Array.from(tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).dataSync());
    process.stdout.write(JSON.stringify({ backend: tf.getBackend(), tensorflowVersion: tf.backend().binding?.TF_Version ?? "", product }));`;
  const output = run(process.execPath, ["--input-type=module", "-e", script], {
    what: "Loading the built backend",
    env: { ...process.env, TSKERAS_BACKEND: "tensorflow" },
  });
  return JSON.parse(output) as { backend: string; tensorflowVersion: string; product: number[] };
}

async function install(args: string[]): Promise<number> {
  const flavor: NativeFlavor = args.includes("--gpu") ? "gpu" : "cpu";
  const fromIndex = args.indexOf("--from");
  const from = fromIndex >= 0 ? args[fromIndex + 1] : "python3";
  if (!from) throw new BackendError(`--from needs a Python (e.g. ~/venv/bin/python) or a TensorFlow wheel file.\n${usage}`);
  const packageName = nativePackages[flavor];
  const directory = nativeBackendDirectory(flavor);
  const started = performance.now();
  const step = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

  // Start clean: a half-built folder must never be picked up (the record is written last).
  const staging = `${directory}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const source = from.endsWith(".whl") ? tensorflowOfWheel(from, join(staging, "wheel")) : tensorflowOfPython(from);
  checkSource(source);
  step(`TensorFlow ${source.version} from ${source.description}`);
  const tools = buildTools();

  writeFileSync(
    join(staging, "package.json"),
    JSON.stringify(
      { name: `tskeras-native-${flavor}`, private: true, description: "Built by `tskeras backend install`; delete with `tskeras backend remove`." },
      null,
      2,
    ),
  );
  step(`npm install ${packageName}@${nativePackageVersion} --ignore-scripts (no libtensorflow download)`);
  run("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock", "--save-exact", `${packageName}@${nativePackageVersion}`], {
    cwd: staging,
    what: `npm install ${packageName}`,
  });
  const dropped = dropDuplicates(staging);
  if (dropped.length) step(`using tskeras's own ${dropped.join(", ")}`);

  const packageDirectory = join(staging, "node_modules", packageName);
  const libraryDirectory = placeLibraries(source, join(packageDirectory, "deps"));
  rmSync(join(staging, "wheel"), { recursive: true, force: true });
  step(`building the binding with node-gyp against Node ${process.version}'s headers in ${tools.nodeDirectory}`);
  run(
    process.execPath,
    [
      tools.nodeGyp,
      "rebuild",
      `--nodedir=${tools.nodeDirectory}`,
      "--module_name=tfjs_binding",
      `--module_path=${join(packageDirectory, "lib/napi-v8")}`,
      "--napi_build_version=8",
    ],
    { cwd: packageDirectory, what: "Building the tfjs-node binding (needs python3, make and a C++ compiler: apt-get install build-essential)" },
  );

  // Swap the finished build in, then check it loads exactly as selection will load it.
  rmSync(directory, { recursive: true, force: true });
  renameSync(staging, directory);
  const record: NativeBuildRecord = {
    flavor,
    package: packageName,
    packageVersion: nativePackageVersion,
    tensorflowVersion: source.version,
    source: source.description,
    libraryDirectory: libraryDirectory === source.directory ? source.directory : join(directory, "node_modules", packageName, "deps/lib"),
    builtAt: new Date().toISOString(),
  };
  writeFileSync(nativeRecordPath(flavor), JSON.stringify(record, null, 2));
  let check: ReturnType<typeof verify>;
  try {
    check = verify();
  } catch (error) {
    rmSync(nativeRecordPath(flavor), { force: true });
    throw error;
  }
  if (check.backend !== "tensorflow" || check.product.join(",") !== "19,22,43,50") {
    rmSync(nativeRecordPath(flavor), { force: true });
    throw new BackendError(
      `The built backend did not check out: backend ${check.backend}, matMul [[1,2],[3,4]]·[[5,6],[7,8]] gave [${check.product}] instead of [19,22,43,50]. The build is left in ${directory} but not used.`,
    );
  }
  step(`verified: backend "tensorflow", TensorFlow ${check.tensorflowVersion}, matMul correct`);
  console.log(
    `\nThe native TensorFlow backend is installed in ${directory}; tskeras uses it from now on (tf.getBackend() === "tensorflow").\n` +
      (source.extracted ? "" : `Its libraries are symlinked from ${source.directory}: keep that TensorFlow installed (or install again from a wheel).\n`) +
      `To go back: %backend wasm (this session), TSKERAS_BACKEND=wasm (a process), or npx tskeras backend remove${flavor === "gpu" ? " --gpu" : ""}.`,
  );
  return 0;
}

function status(): number {
  for (const flavor of ["gpu", "cpu"] as const) {
    const record = readNativeBuildRecord(flavor);
    if (record)
      console.log(
        `${record.package} ${record.packageVersion} on TensorFlow ${record.tensorflowVersion} from ${record.source}, built ${record.builtAt} in ${nativeBackendDirectory(flavor)}`,
      );
  }
  const script = `const { tf } = await import(${JSON.stringify(join(packageRoot, "dist/lib/index.js"))}); process.stdout.write(tf.getBackend() + (tf.getBackend() === "tensorflow" ? " (TensorFlow " + tf.backend().binding.TF_Version + ")" : ""));`;
  const chosen = run(process.execPath, ["--input-type=module", "-e", script], { what: "Loading tskeras" });
  console.log(`tskeras picks: ${chosen}${process.env.TSKERAS_BACKEND ? ` (TSKERAS_BACKEND=${process.env.TSKERAS_BACKEND})` : ""}`);
  return 0;
}

function remove(args: string[]): number {
  const flavor: NativeFlavor = args.includes("--gpu") ? "gpu" : "cpu";
  const directory = nativeBackendDirectory(flavor);
  if (!existsSync(directory) && !lstatSync(directory, { throwIfNoEntry: false })) {
    console.log(`No native ${flavor} backend in ${directory}; nothing to remove.`);
    return 0;
  }
  rmSync(directory, { recursive: true, force: true });
  console.log(`Removed ${directory}; tskeras uses WebAssembly again.`);
  return 0;
}

export async function backendCommand(args: string[]): Promise<number> {
  const [action = "status", ...rest] = args;
  try {
    if (action === "install") return await install(rest);
    if (action === "status") return status();
    if (action === "remove") return remove(rest);
  } catch (error) {
    if (error instanceof BackendError) {
      console.error(`tskeras backend ${action}: ${error.message}`);
      return 1;
    }
    throw error;
  }
  console.error(action === "--help" || action === "-h" ? usage : `tskeras backend: unknown action "${action}"\n${usage}`);
  return action === "--help" || action === "-h" ? 0 : 2;
}
