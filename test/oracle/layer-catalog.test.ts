// The Keras 3 layer catalog, checked against the oracle: Python enumerates keras.layers and
// keras.activations at test time; each in-scope class tskeras exports is run on random inputs with
// the same weights (Keras's .keras file loaded here), differentiated, saved back for Keras, and
// built with tskeras's constructor for a key-for-key config comparison. The other formats go both
// ways too: Keras's legacy .h5 and model.export() SavedModel read here, and tskeras's .h5, SavedModel
// and TF checkpoint read by Keras / TensorFlow. Python runs three times in all (probe, write, read).
// The coverage table this produces is docs/layer-coverage.md; the test fails when the committed
// table differs (TSKERAS_WRITE_COVERAGE=1 rewrites it).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { keras, tf } from "../../lib/index.js";
import { readNpy } from "../../lib/formats/npy.js";
import { requireOracle, runOracle } from "../support/oracle.js";
import { repositoryRoot } from "../support/kernelspec.js";
import { activationCases, isOutOfScope, layerCases, type CatalogCase } from "./layer-catalog-cases.js";
import { formatGap } from "./layer-catalog-format-gaps.js";

type Column = "forward" | "gradient" | "config" | "save" | "h5 read" | "h5 write" | "SavedModel read" | "SavedModel write" | "checkpoint write";
const columns: Column[] = ["forward", "gradient", "config", "save", "h5 read", "h5 write", "SavedModel read", "SavedModel write", "checkpoint write"];
const formatColumns: Column[] = ["h5 read", "h5 write", "SavedModel read", "SavedModel write", "checkpoint write"];
/** The table's column headings. */
const headings: Record<Column, string> = {
  forward: "forward",
  gradient: "gradient",
  config: "config",
  save: ".keras save",
  "h5 read": ".h5 read",
  "h5 write": ".h5 write",
  "SavedModel read": "SavedModel read",
  "SavedModel write": "SavedModel write",
  "checkpoint write": "checkpoint write",
};

interface PythonCase {
  ok: boolean;
  error?: string;
  trainable?: string[];
  inputGrads?: number;
  /** Why Keras cannot write this case as legacy .h5 and read it back (null: it can). */
  h5Error?: string | null;
  /** Why Keras's model.export() failed (null: it wrote DIR/<id>.export). */
  exportError?: string | null;
  /** The names Keras's export gives serving_default's inputs, in the model's input order. */
  exportInputs?: string[];
  outputs?: number;
}
interface PythonWrite {
  keras: string;
  names: Record<string, { class: string; module: string }>;
  activations: string[];
  cases: Record<string, PythonCase>;
}
interface PythonRead {
  saveDiff?: number | null;
  saveError?: string;
  configDifferences?: string[];
  configError?: string;
  /** Keras/TensorFlow reading tskeras's .h5, SavedModel and checkpoint: null when it matched, else why not. */
  h5Error?: string | null;
  savedModelError?: string | null;
  checkpointError?: string | null;
}
/** What tskeras wrote for the read pass, per case. */
interface TsWritten {
  h5?: string;
  savedmodel?: string;
  inputNames?: string[];
  checkpoint?: string;
}

/** Per case and column: passed, not applicable (Keras itself cannot, and why), or failed and why. */
type Outcome = { passed: true; notApplicable?: string } | { passed: false; why: string };
const pass: Outcome = { passed: true };
/** The work directory's random name is left out, so the generated table is the same on every run. */
let workDirectory = "";
/** One line; a long message keeps its start and its end (a nested graph error says what failed last). */
const clean = (text: string): string => {
  // Addresses and numbered names (functional_87, __inference___call___29675) vary from run to run.
  const line = text
    .split(workDirectory)
    .join("")
    .replace(/\s+/g, " ")
    .replace(/0x[0-9a-f]+/g, "0x…")
    .replace(/_\d+\b/g, "_N");
  return line.length <= 360 ? line : `${line.slice(0, 220)} … ${line.slice(-140)}`;
};
const fail = (why: string): Outcome => ({ passed: false, why: clean(why) });
const notApplicable = (why: string): Outcome => ({ passed: true, notApplicable: clean(why) });

function load(path: string): tf.Tensor {
  const array = readNpy(readFileSync(path), path);
  return tf.tensor(Array.from(array.values as ArrayLike<number>), array.shape, array.dtype === "int32" ? "int32" : "float32");
}

/** Largest |a − b| beyond `tolerance · (1 + |b|)`, or 0 when all are within it; shapes must agree. */
function excess(actual: tf.Tensor, expected: tf.Tensor, tolerance: number): string | null {
  if (actual.shape.join(",") !== expected.shape.join(",")) return `shape [${actual.shape}] vs Keras [${expected.shape}]`;
  const a = actual.dataSync();
  const b = expected.dataSync();
  let worst = 0;
  for (let index = 0; index < a.length; index++) {
    const difference = Math.abs(a[index]! - b[index]!);
    if (difference > tolerance * (1 + Math.abs(b[index]!)) && difference > worst) worst = difference;
  }
  return worst === 0 ? null : `max difference ${worst.toExponential(2)} > ${tolerance}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function runTs(kase: CatalogCase, python: PythonCase, work: string, written: TsWritten): Promise<Record<Column, Outcome>> {
  const result = Object.fromEntries(columns.map((column) => [column, fail("not run")])) as Record<Column, Outcome>;
  // Built by tskeras's constructor, saved for Keras's key-for-key config comparison.
  try {
    const layer = kase.build() as tf.layers.Layer;
    const inputs = kase.inputs.map((shape) => keras.Input({ shape, dtype: kase.integer ? "int32" : "float32" }));
    const fed = kase.buildPre ? inputs.map((input) => (kase.buildPre!() as tf.layers.Layer).apply(input) as tf.SymbolicTensor) : inputs;
    const called = layer.apply(kase.call === "single" || kase.call === undefined ? fed[0]! : fed, kase.kwargs) as tf.SymbolicTensor | tf.SymbolicTensor[];
    const output = kase.followedBy ? ((kase.followedBy.build() as tf.layers.Layer).apply(called) as tf.SymbolicTensor) : called;
    const model = new keras.Model({ inputs, outputs: output });
    await model.save(join(work, `${kase.id}.ctor.keras`));
  } catch (error) {
    result.config = fail(`tskeras constructor/save: ${errorText(error)}`);
  }
  if (!python.ok) {
    const why = `Keras could not run the case: ${python.error}`;
    return Object.fromEntries(columns.map((column) => [column, fail(why)])) as Record<Column, Outcome>;
  }
  let model: tf.LayersModel;
  try {
    model = await keras.models.loadModel(join(work, `${kase.id}.keras`));
  } catch (error) {
    const why = `loading Keras's .keras: ${errorText(error)}`;
    return Object.fromEntries(columns.map((column) => [column, column === "config" ? result.config : fail(why)])) as Record<Column, Outcome>;
  }
  const xs = kase.inputs.map((_shape, index) => load(join(work, `${kase.id}.x${index}.npy`)));
  const feed = xs.length === 1 ? xs[0]! : xs;
  // Output 0 is x.y.npy / x.r.npy; further outputs (return_state) x.y1.npy, x.r1.npy, …
  const outputFile = (letter: string, index: number) => join(work, `${kase.id}.${letter}${index === 0 ? "" : index}.npy`);
  const outputCount = python.outputs ?? 1;
  const asList = (value: tf.Tensor | tf.Tensor[]) => (Array.isArray(value) ? value : [value]);
  try {
    // A training=True variant runs the model called with training: true (predict is inference only).
    const ys = asList(kase.training ? (model.apply(feed, { training: true }) as tf.Tensor | tf.Tensor[]) : (model.predict(feed) as tf.Tensor | tf.Tensor[]));
    if (ys.length !== outputCount) throw new Error(`${ys.length} outputs vs Keras's ${outputCount}`);
    const problems = ys
      .map((y, index) => {
        const problem = excess(y, load(outputFile("y", index)), 1e-5);
        return problem && outputCount > 1 ? `output ${index}: ${problem}` : problem;
      })
      .filter((problem) => problem !== null);
    result.forward = problems.length > 0 ? fail(problems.join("; ")) : pass;
  } catch (error) {
    result.forward = fail(errorText(error));
  }
  try {
    const rs = Array.from({ length: outputCount }, (_unused, index) => load(outputFile("r", index)));
    const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    if (variables.length !== python.trainable!.length)
      throw new Error(`${variables.length} trainable weights vs Keras's ${python.trainable!.length} (${python.trainable!.join(", ")})`);
    const loss = (...inputs: tf.Tensor[]) =>
      tf.addN(
        asList(model.apply(inputs.length === 1 ? inputs[0]! : inputs, { training: kase.training === true }) as tf.Tensor | tf.Tensor[]).map((output, index) =>
          tf.sum(tf.mul(output, rs[index]!)),
        ),
      ) as tf.Scalar;
    const inputGrads = python.inputGrads! > 0 ? tf.grads((...inputs: tf.Tensor[]) => loss(...inputs))(xs) : [];
    const { grads } = variables.length > 0 ? tf.variableGrads(() => loss(...xs), variables) : { grads: {} as Record<string, tf.Tensor> };
    const ours = [...inputGrads, ...variables.map((variable) => grads[variable.name]!)];
    const problems = ours
      .map((grad, index) => {
        const expected = load(join(work, `${kase.id}.g${index}.npy`));
        // Keras's None gradient (no dependence, e.g. one-hot outputs) is saved as a single 0: ours must be all zeros.
        const none = expected.size === 1 && grad.size !== 1 && expected.dataSync()[0] === 0;
        const problem = none
          ? grad.dataSync().every((value) => value === 0)
            ? null
            : "Keras's gradient is None (zero), ours is not"
          : excess(grad, expected, 1e-4);
        return problem ? `${index < inputGrads.length ? `input ${index}` : python.trainable![index - inputGrads.length]}: ${problem}` : null;
      })
      .filter((problem) => problem !== null);
    result.gradient = problems.length > 0 ? fail(problems.join("; ")) : pass;
  } catch (error) {
    result.gradient = fail(errorText(error));
  }
  try {
    await model.save(join(work, `${kase.id}.ts.keras`));
    result.save = pass; // Keras's verdict on the file comes from the read pass
  } catch (error) {
    result.save = fail(`saving: ${errorText(error)}`);
  }
  // A variant's formats are its class's main case's (marked n/a by the caller).
  if (kase.variant === undefined) await otherFormats(kase, python, work, model, feed, written, result);
  return result;
}

/**
 * Legacy .h5 both ways (n/a where Keras cannot round-trip its own .h5 of the case), Keras's
 * model.export() SavedModel read here, and tskeras's SavedModel and TF checkpoint of the model it
 * loaded; what Keras/TensorFlow make of tskeras's files comes from the read pass.
 */
async function otherFormats(
  kase: CatalogCase,
  python: PythonCase,
  work: string,
  model: tf.LayersModel,
  feed: tf.Tensor | tf.Tensor[],
  written: TsWritten,
  result: Record<Column, Outcome>,
): Promise<void> {
  const expected = load(join(work, `${kase.id}.y.npy`));
  const saving = model as unknown as {
    save(path: string, options?: { saveFormat?: "tf" }): Promise<void>;
    saveWeights(path: string): Promise<void>;
  };
  if (python.h5Error) {
    result["h5 read"] = result["h5 write"] = notApplicable(`Keras cannot: ${python.h5Error}`);
  } else {
    try {
      const fromH5 = await keras.models.loadModel(join(work, `${kase.id}.h5`));
      const problem = excess(fromH5.predict(feed) as tf.Tensor, expected, 1e-5);
      result["h5 read"] = problem ? fail(problem) : pass;
    } catch (error) {
      result["h5 read"] = fail(errorText(error));
    }
    try {
      written.h5 = join(work, `${kase.id}.ts.h5`);
      await saving.save(written.h5);
      result["h5 write"] = pass; // Keras's verdict comes from the read pass
    } catch (error) {
      delete written.h5;
      result["h5 write"] = fail(`saving: ${errorText(error)}`);
    }
  }
  if (python.exportError) {
    result["SavedModel read"] = notApplicable(`Keras cannot: ${python.exportError}`);
  } else {
    try {
      const loaded = await tf.savedModel.load(join(work, `${kase.id}.export`));
      try {
        const signature = loaded.signatures["serving_default"];
        if (!signature) throw new Error(`no serving_default signature (it has ${Object.keys(loaded.signatures).join(", ")})`);
        const keys = Object.keys(signature.inputs);
        const tensors = Array.isArray(feed) ? feed : [feed];
        // Keras names the signature's inputs after the model's input tensors (keras_tensor_12, …).
        const byName = python.exportInputs ?? [];
        if (byName.length !== keys.length || !byName.every((name) => keys.includes(name)))
          throw new Error(`serving_default takes ${keys.join(", ")}; Keras's model inputs are ${byName.join(", ")}`);
        const outputs = Object.values(signature(Object.fromEntries(byName.map((name, index) => [name, tensors[index]!]))));
        if (outputs.length !== 1) throw new Error(`serving_default returns ${outputs.length} outputs, expected 1`);
        const problem = excess(outputs[0]!, expected, 1e-5);
        result["SavedModel read"] = problem ? fail(problem) : pass;
      } finally {
        loaded.dispose();
      }
    } catch (error) {
      result["SavedModel read"] = fail(errorText(error));
    }
  }
  try {
    written.savedmodel = join(work, `${kase.id}.ts.savedmodel`);
    written.inputNames = model.inputNames;
    await saving.save(written.savedmodel, { saveFormat: "tf" });
    result["SavedModel write"] = pass; // TensorFlow's verdict comes from the read pass
  } catch (error) {
    delete written.savedmodel;
    result["SavedModel write"] = fail(`saving: ${errorText(error)}`);
  }
  try {
    written.checkpoint = join(work, `${kase.id}.ts.ckpt`, "ckpt");
    await saving.saveWeights(written.checkpoint);
    result["checkpoint write"] = pass; // TensorFlow's verdict comes from the read pass
  } catch (error) {
    delete written.checkpoint;
    result["checkpoint write"] = fail(`saving: ${errorText(error)}`);
  }
}

function mark(outcome: Outcome | undefined): string {
  return outcome === undefined ? "–" : outcome.passed ? (outcome.notApplicable ? "n/a" : "✓") : "✗";
}

/** The notes of a row: each failure with its reason, and each n/a reason once (the two .h5 columns share theirs). */
function notes(id: string, outcome: Record<Column, Outcome>): string {
  const failures = columns
    .filter((column) => !outcome[column].passed)
    .map((column) => {
      const known = formatGap(id, column);
      return `${headings[column]}: ${(outcome[column] as { why: string }).why}${known ? ` (known gap: ${known})` : ""}`;
    });
  const reasons = new Map<string, Column[]>();
  for (const column of columns) {
    const reason = (outcome[column] as { notApplicable?: string }).notApplicable;
    if (reason) reasons.set(reason, [...(reasons.get(reason) ?? []), column]);
  }
  const inapplicable = [...reasons].map(([reason, of]) => `${of.map((column) => headings[column]).join(", ")}: n/a (${reason})`);
  return [...failures, ...inapplicable].join(" · ").replace(/\|/g, "\\|");
}

test("the Keras 3 layer catalog: forward, gradient, config, and .keras/.h5/SavedModel/checkpoint both ways against Keras", {
  timeout: 1_500_000,
}, async (t) => {
  if (!requireOracle(t)) return;
  const work = mkdtempSync(join(tmpdir(), "tskeras-layer-catalog-"));
  workDirectory = `${work}/`;
  try {
    const script = readFileSync(join(repositoryRoot, "test", "oracle", "layer-catalog.py"), "utf8");
    // First pass: Keras names only, to know the activations; then every case in one more process.
    const probeCases = join(work, "probe.json");
    writeFileSync(probeCases, "[]");
    await runOracle(script, ["write", probeCases, work, join(work, "probe-out.json")]);
    const probe = JSON.parse(readFileSync(join(work, "probe-out.json"), "utf8")) as PythonWrite;
    // TSKERAS_CATALOG_ONLY=Dense,GRU runs just those case ids (while writing a layer); the table is then neither compared nor written.
    const only = process.env["TSKERAS_CATALOG_ONLY"]?.split(",").filter((id) => id !== "");
    const cases = [...layerCases, ...activationCases(probe.activations)].filter((kase) => only === undefined || only.includes(kase.id));
    const casesPath = join(work, "cases.json");
    writeFileSync(casesPath, JSON.stringify(cases.map(({ build: _build, ...data }) => data)));
    await runOracle(script, ["write", casesPath, work, join(work, "write.json")]);
    const written = JSON.parse(readFileSync(join(work, "write.json"), "utf8")) as PythonWrite;

    const outcomes = new Map<string, Record<Column, Outcome>>();
    const tsWritten: Record<string, TsWritten> = {};
    for (const kase of cases) {
      const outcome = await runTs(kase, written.cases[kase.id]!, work, (tsWritten[kase.id] = {}));
      // A variant checks a behaviour (masks, states, training) through forward, gradient, config and
      // .keras; the file formats are checked on its class's main case.
      if (kase.variant !== undefined) for (const column of formatColumns) outcome[column] = notApplicable("formats are checked on the class's main case");
      outcomes.set(kase.id, outcome);
    }
    const tsWrittenPath = join(work, "ts-written.json");
    writeFileSync(tsWrittenPath, JSON.stringify(tsWritten));
    await runOracle(script, ["read", casesPath, work, join(work, "read.json"), tsWrittenPath, join(work, "write.json")]);
    const read = JSON.parse(readFileSync(join(work, "read.json"), "utf8")) as Record<string, PythonRead>;
    for (const kase of cases) {
      const outcome = outcomes.get(kase.id)!;
      const verdict = read[kase.id]!;
      if (outcome.save.passed) {
        outcome.save = verdict.saveError
          ? fail(`Keras loading tskeras's file: ${verdict.saveError}`)
          : verdict.saveDiff !== undefined && verdict.saveDiff !== null && verdict.saveDiff > 1e-5
            ? fail(`Keras predicts ${verdict.saveDiff.toExponential(2)} away`)
            : pass;
      }
      // tskeras wrote these; Keras/TensorFlow's verdict (null: matched) decides.
      for (const [column, verdictOf, reader] of [
        ["h5 write", verdict.h5Error, "Keras loading tskeras's .h5"],
        ["SavedModel write", verdict.savedModelError, "tf.saved_model.load + serving_default"],
        ["checkpoint write", verdict.checkpointError, "tf.train.load_checkpoint"],
      ] as const) {
        const current = outcome[column];
        if (current.passed && !current.notApplicable && verdictOf !== null)
          outcome[column] = fail(verdictOf === undefined ? `${reader}: no verdict` : `${reader}: ${verdictOf}`);
      }
      if (outcome.config.passed === false && outcome.config.why === "not run") {
        outcome.config = verdict.configError
          ? fail(verdict.configError)
          : verdict.configDifferences!.length > 0
            ? fail(verdict.configDifferences!.join("; "))
            : pass;
      }
    }

    if (only !== undefined) {
      for (const kase of cases) console.log(kase.id, JSON.stringify(outcomes.get(kase.id)));
      return;
    }

    // The catalog: every public class of keras.layers, in scope or not, by class (aliases listed).
    const exported = keras.layers as unknown as Record<string, unknown>;
    const classes = new Map<string, string[]>();
    for (const [name, info] of Object.entries(written.names)) classes.set(info.class, [...(classes.get(info.class) ?? []), name]);
    const inScopeNames = Object.keys(written.names).filter((name) => !isOutOfScope(name) && !isOutOfScope(written.names[name]!.class));
    const exportedNames = inScopeNames.filter((name) => name in exported);
    const rows: string[] = [];
    const outOfScopeRows: string[] = [];
    let covered = 0;
    let inScope = 0;
    for (const [className, names] of [...classes].sort(([left], [right]) => left.localeCompare(right))) {
      const reason = isOutOfScope(names[0]!) ?? isOutOfScope(className);
      if (reason) {
        outOfScopeRows.push(`${names.join(", ")} (${reason})`);
        continue;
      }
      inScope++;
      const kase = layerCases.find((candidate) => candidate.className === className && candidate.variant === undefined);
      const isExported = names.every((name) => name in exported);
      const outcome = kase ? outcomes.get(kase.id) : undefined;
      // The class passes when its main case and every variant of it (variants table below) pass every column.
      const variants = layerCases.filter((candidate) => candidate.className === className && candidate.variant !== undefined);
      const failingVariants = variants.filter((variant) => !columns.every((column) => outcomes.get(variant.id)![column].passed));
      const allPass = outcome !== undefined && columns.every((column) => outcome[column].passed) && failingVariants.length === 0;
      if (allPass && isExported) covered++;
      const note = kase?.expectedFailure
        ? `expected to fail for now: ${kase.expectedFailure}`
        : !isExported
          ? "not exported yet"
          : !kase || !outcome
            ? "no catalog case yet"
            : [
                notes(kase.id, outcome),
                ...(kase.followedBy ? [`checked followed by ${kase.followedBy.python}: ${kase.followedBy.why}`.replace(/\|/g, "\\|")] : []),
                ...(failingVariants.length > 0 ? [`variants failing: ${failingVariants.map((variant) => variant.variant).join(", ")}`] : []),
              ]
                .filter((part) => part !== "")
                .join(" · ");
      rows.push(
        `| ${names.join(", ")} | ${isExported ? "✓" : names.some((name) => name in exported) ? "partly" : "✗"} | ${columns.map((column) => mark(outcome?.[column])).join(" | ")} | ${note} |`,
      );
    }
    const activationRows = activationCases(probe.activations).map((kase) => {
      const outcome = outcomes.get(kase.id)!;
      const note = kase.expectedFailure ? `expected to fail for now: ${kase.expectedFailure}` : notes(kase.id, outcome);
      return {
        kase,
        passed: columns.every((column) => outcome[column].passed),
        row: `| ${kase.id.replace("activation_", "")} | ${columns.map((column) => mark(outcome[column])).join(" | ")} | ${note} |`,
      };
    });
    const activationsPassing = activationRows.filter((row) => row.passed).length;
    const variantCases = layerCases.filter((candidate) => candidate.variant !== undefined);
    const variantRows = variantCases.map((variant) => {
      const outcome = outcomes.get(variant.id)!;
      const note = variant.expectedFailure ? `expected to fail for now: ${variant.expectedFailure}` : notes(variant.id, outcome);
      return {
        passed: columns.every((column) => outcome[column].passed),
        row: `| ${variant.className} | ${variant.variant} | ${columns.map((column) => mark(outcome[column])).join(" | ")} | ${note} |`,
      };
    });
    const variantsPassing = variantRows.filter((row) => row.passed).length;
    const table = [
      "# Layer coverage against Keras " + written.keras,
      "",
      "Generated by `test/oracle/layer-catalog.test.ts` (`TSKERAS_WRITE_COVERAGE=1 node test/run.mjs layer-catalog` rewrites it; the test fails when it is stale).",
      "Each layer is checked in a one-layer model against Keras on random inputs with the same weights:",
      "**forward**: Keras's `.keras` file loaded in tskeras predicts within 1e-5; **gradient**: d(sum(y·r))/d(inputs, weights) within 1e-4 of `tf.GradientTape`;",
      "**config**: tskeras's constructor with Keras's arguments saves Keras's `get_config()` key for key (and Keras loads it); **.keras save**: the `.keras` tskeras saves after loading loads in Keras and predicts within 1e-5.",
      "**.h5 read**: Keras's legacy `.h5` loads in tskeras and predicts within 1e-5; **.h5 write**: tskeras's `.h5` loads in Keras and predicts within 1e-5 (both n/a, with Keras's error, where Keras cannot write its own `.h5` of the layer and read it back);",
      "**SavedModel read**: Keras's `model.export()` folder loads with `tf.savedModel.load` and `serving_default` predicts within 1e-5; **SavedModel write**: tskeras's `model.save(dir, { saveFormat: \"tf\" })` loads with TF's `tf.saved_model.load` and `serving_default` predicts within 1e-5;",
      "**checkpoint write**: tskeras's `model.saveWeights(prefix)` read with `tf.train.load_checkpoint` holds each Keras weight under its attribute name with exactly Keras's values, and nothing else of the model's.",
      "",
      `**${covered} of ${inScope} in-scope layer classes pass every column** (n/a counts as passing; ${exportedNames.length} of ${inScopeNames.length} in-scope public names, aliases included, are exported). ` +
        `**${activationsPassing} of ${activationRows.length} \`keras.activations\`** pass every column through \`Activation(name)\`.`,
      "",
      `| Keras names | exported | ${columns.map((column) => headings[column]).join(" | ")} | notes |`,
      `|---|---|${columns.map(() => "---|").join("")}---|`,
      ...rows,
      "",
      "## Variants",
      "",
      "Further configurations of a class, counted under it (a class passes only when its variants pass): RNN return_sequences / return_state / go_backwards, masked inputs",
      "(padded all-zero steps behind `Masking` or `Embedding(mask_zero=True)`), attention masks and `use_causal_mask`, and `training=True` where it is deterministic.",
      `**${variantsPassing} of ${variantRows.length} variants pass every column.**`,
      "",
      `| class | variant | ${columns.map((column) => headings[column]).join(" | ")} | notes |`,
      `|---|---|${columns.map(() => "---|").join("")}---|`,
      ...variantRows.map((row) => row.row),
      "",
      "## keras.activations (through `Activation(name)`)",
      "",
      `| activation | ${columns.map((column) => headings[column]).join(" | ")} | notes |`,
      `|---|${columns.map(() => "---|").join("")}---|`,
      ...activationRows.map((row) => row.row),
      "",
      "## Out of scope",
      "",
      ...outOfScopeRows.map((row) => `- ${row}`),
      "",
    ].join("\n");
    console.log(table);
    const coveragePath = join(repositoryRoot, "docs", "layer-coverage.md");
    if (process.env["TSKERAS_WRITE_COVERAGE"] === "1") writeFileSync(coveragePath, table);

    // Every case passes every column, except the listed expected failures, which must still fail.
    const unexpected: string[] = [];
    for (const kase of cases) {
      const outcome = outcomes.get(kase.id)!;
      const failures = columns.filter((column) => !outcome[column].passed);
      if (kase.expectedFailure && failures.length === 0) unexpected.push(`${kase.id} now passes: remove its expectedFailure ("${kase.expectedFailure}")`);
      if (kase.expectedFailure) continue;
      for (const column of columns) {
        const known = formatGap(kase.id, column);
        if (known && outcome[column].passed)
          unexpected.push(`${kase.id} ${headings[column]} now passes: remove its entry in layer-catalog-format-gaps.ts ("${known}")`);
        if (!known && !outcome[column].passed) unexpected.push(`${kase.id} ${headings[column]}: ${(outcome[column] as { why: string }).why}`);
      }
    }
    assert.deepEqual(unexpected, [], unexpected.join("\n"));
    assert.ok(existsSync(coveragePath), "docs/layer-coverage.md is missing: run TSKERAS_WRITE_COVERAGE=1 node test/run.mjs layer-catalog");
    assert.equal(
      readFileSync(coveragePath, "utf8"),
      table,
      "docs/layer-coverage.md is stale: run TSKERAS_WRITE_COVERAGE=1 node test/run.mjs layer-catalog and commit it",
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
