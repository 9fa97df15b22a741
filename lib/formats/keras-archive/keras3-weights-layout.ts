/**
 * Keras 3 names weight groups after the attribute path of each layer, not after `layer.name`:
 * items of the `layers` list become `layers/<snake_case(ClassName)>`, then `_1`, `_2`, ... when a
 * name repeats. Writers use the same function so saved files match what Python produces.
 *
 * @example
 * keras3LayerGroupNames(["InputLayer", "Dense", "Dense"]) // ["layers/input_layer", "layers/dense", "layers/dense_1"]
 */
export function keras3LayerGroupNames(classNames: string[]): string[] {
  const used = new Set<string>();
  return classNames.map((className) => {
    const base = snakeCase(className);
    let name = base;
    for (let suffix = 1; used.has(name); suffix++) name = `${base}_${suffix}`;
    used.add(name);
    return `layers/${name}`;
  });
}

/** Keras's class-name → attribute-name rule: `MaxPooling2D` → `max_pooling2d`. */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, "")
    .replace(/(.)([A-Z][a-z]+)/g, "$1_$2")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
}
