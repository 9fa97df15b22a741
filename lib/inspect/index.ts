/**
 * The inspection service (layer L5, above keras): "what is in this file" for every format tskeras
 * reads, without building or running the model. The entry point `tskeras inspect`, `%inspect` and
 * `%diff` use instead of reaching into the format modules.
 *
 * @example
 * const description = await describeSavedFile("training_1/cp.ckpt");
 * description.variables[0];   // { name: "layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE", dtype: "float32", shape: [10] }
 */
export { describeSavedFile, variableMapOf, type SavedFileDescription } from "./describe.js";
export { inspectFile, summarizeConfig, type FileInspection, type InspectedVariable, type ModelConfigSummary } from "./inspect-file.js";
export { readStoredVariables, type StoredVariable } from "./variable-values.js";
export { inspectSavedModel, formatSavedModelInspection, type SavedModelInspection } from "../formats/savedmodel/index.js";
export { findArchitectureAndWeights, loadArchitectureWithWeights } from "../keras/saving/architecture-and-weights.js";
