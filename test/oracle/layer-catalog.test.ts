// The Keras 3 layer catalog, checked against the oracle: Python enumerates keras.layers and
// keras.activations at test time; each in-scope class tskeras exports is run on random inputs with
// the same weights (Keras's .keras file loaded here), differentiated, saved back for Keras, and
// built with tskeras's constructor for a key-for-key config comparison. The coverage table this
// produces is docs/layer-coverage.md; the test fails when the committed table differs
// (TSKERAS_WRITE_COVERAGE=1 rewrites it).
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

type Column = "forward" | "gradient" | "config" | "save";
const columns: Column[] = ["forward", "gradient", "config", "save"];

interface PythonCase {
  ok: boolean;
  error?: string;
  trainable?: string[];
  inputGrads?: number;
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
}

/** Per case and column: passed, or why not. */
type Outcome = { passed: true } | { passed: false; why: string };
const pass: Outcome = { passed: true };
/** The work directory's random name is left out, so the generated table is the same on every run. */
let workDirectory = "";
const fail = (why: string): Outcome => ({ passed: false, why: why.split(workDirectory).join("").replace(/\s+/g, " ").slice(0, 160) });

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

async function runTs(kase: CatalogCase, python: PythonCase, work: string): Promise<Record<Column, Outcome>> {
  const result: Record<Column, Outcome> = { forward: fail("not run"), gradient: fail("not run"), config: fail("not run"), save: fail("not run") };
  // Built by tskeras's constructor, saved for Keras's key-for-key config comparison.
  try {
    const layer = kase.build() as tf.layers.Layer;
    const inputs = kase.inputs.map((shape) => keras.Input({ shape, dtype: kase.integer ? "int32" : "float32" }));
    const fed = kase.buildPre ? inputs.map((input) => (kase.buildPre!() as tf.layers.Layer).apply(input) as tf.SymbolicTensor) : inputs;
    const output = layer.apply(kase.call === "single" || kase.call === undefined ? fed[0]! : fed, kase.kwargs) as tf.SymbolicTensor | tf.SymbolicTensor[];
    const model = new keras.Model({ inputs, outputs: output });
    await model.save(join(work, `${kase.id}.ctor.keras`));
  } catch (error) {
    result.config = fail(`tskeras constructor/save: ${errorText(error)}`);
  }
  if (!python.ok) {
    const why = `Keras could not run the case: ${python.error}`;
    return { forward: fail(why), gradient: fail(why), config: fail(why), save: fail(why) };
  }
  let model: tf.LayersModel;
  try {
    model = await keras.models.loadModel(join(work, `${kase.id}.keras`));
  } catch (error) {
    const why = `loading Keras's .keras: ${errorText(error)}`;
    return { ...result, forward: fail(why), gradient: fail(why), save: fail(why) };
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
  return result;
}

function mark(outcome: Outcome | undefined): string {
  return outcome === undefined ? "–" : outcome.passed ? "✓" : "✗";
}

test("the Keras 3 layer catalog: forward, gradient, config and .keras save against Keras", { timeout: 1_200_000 }, async (t) => {
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
    for (const kase of cases) outcomes.set(kase.id, await runTs(kase, written.cases[kase.id]!, work));
    await runOracle(script, ["read", casesPath, work, join(work, "read.json")]);
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
      const failures = outcome
        ? columns.filter((column) => !outcome[column].passed).map((column) => `${column}: ${(outcome[column] as { why: string }).why}`)
        : [];
      const note = kase?.expectedFailure
        ? `expected to fail for now: ${kase.expectedFailure}`
        : !isExported
          ? "not exported yet"
          : !kase
            ? "no catalog case yet"
            : [...failures, ...(failingVariants.length > 0 ? [`variants failing: ${failingVariants.map((variant) => variant.variant).join(", ")}`] : [])]
                .join(" · ")
                .replace(/\|/g, "\\|");
      rows.push(
        `| ${names.join(", ")} | ${isExported ? "✓" : names.some((name) => name in exported) ? "partly" : "✗"} | ${columns.map((column) => mark(outcome?.[column])).join(" | ")} | ${note} |`,
      );
    }
    const activationRows = activationCases(probe.activations).map((kase) => {
      const outcome = outcomes.get(kase.id)!;
      const failures = columns.filter((column) => !outcome[column].passed).map((column) => `${column}: ${(outcome[column] as { why: string }).why}`);
      const note = kase.expectedFailure ? `expected to fail for now: ${kase.expectedFailure}` : failures.join(" · ").replace(/\|/g, "\\|");
      return {
        kase,
        passed: failures.length === 0,
        row: `| ${kase.id.replace("activation_", "")} | ${columns.map((column) => mark(outcome[column])).join(" | ")} | ${note} |`,
      };
    });
    const activationsPassing = activationRows.filter((row) => row.passed).length;
    const variantCases = layerCases.filter((candidate) => candidate.variant !== undefined);
    const variantRows = variantCases.map((variant) => {
      const outcome = outcomes.get(variant.id)!;
      const failures = columns.filter((column) => !outcome[column].passed).map((column) => `${column}: ${(outcome[column] as { why: string }).why}`);
      const note = variant.expectedFailure ? `expected to fail for now: ${variant.expectedFailure}` : failures.join(" · ").replace(/\|/g, "\\|");
      return {
        passed: failures.length === 0,
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
      "**config**: tskeras's constructor with Keras's arguments saves Keras's `get_config()` key for key (and Keras loads it); **save**: the file tskeras saves after loading loads in Keras and predicts within 1e-5.",
      "",
      `**${covered} of ${inScope} in-scope layer classes pass every column** (${exportedNames.length} of ${inScopeNames.length} in-scope public names, aliases included, are exported). ` +
        `**${activationsPassing} of ${activationRows.length} \`keras.activations\`** pass through \`Activation(name)\`.`,
      "",
      "| Keras names | exported | forward | gradient | config | save | notes |",
      "|---|---|---|---|---|---|---|",
      ...rows,
      "",
      "## Variants",
      "",
      "Further configurations of a class, counted under it (a class passes only when its variants pass): RNN return_sequences / return_state / go_backwards, masked inputs",
      "(padded all-zero steps behind `Masking` or `Embedding(mask_zero=True)`), attention masks and `use_causal_mask`, and `training=True` where it is deterministic.",
      `**${variantsPassing} of ${variantRows.length} variants pass every column.**`,
      "",
      "| class | variant | forward | gradient | config | save | notes |",
      "|---|---|---|---|---|---|---|",
      ...variantRows.map((row) => row.row),
      "",
      "## keras.activations (through `Activation(name)`)",
      "",
      "| activation | forward | gradient | config | save | notes |",
      "|---|---|---|---|---|---|",
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
      const failures = columns.filter((column) => !outcome[column].passed).map((column) => `${kase.id} ${column}: ${(outcome[column] as { why: string }).why}`);
      if (kase.expectedFailure && failures.length === 0) unexpected.push(`${kase.id} now passes: remove its expectedFailure ("${kase.expectedFailure}")`);
      if (!kase.expectedFailure) unexpected.push(...failures);
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
