/**
 * Python floats in Keras JSON. JavaScript writes 1 and 1.0 alike as `1`, which Python's json reads as
 * an int; Keras 3 then refuses optimizer options that must be floats (`SGD(momentum=0)`: "`momentum`
 * must be a float", `Adadelta(learning_rate=1)`). A value wrapped in {@link pythonFloat} is written
 * with a decimal point.
 *
 * @example
 * stringifyWithPythonFloats({ momentum: pythonFloat(0), nesterov: false }); // '{"momentum":0.0,"nesterov":false}'
 */

const marker = "\u0000python-float:";

class PythonFloat {
  constructor(readonly value: number) {}
  toJSON(): string {
    return `${marker}${this.value}`;
  }
  valueOf(): number {
    return this.value;
  }
}

/** The number, written as a Python float by {@link stringifyWithPythonFloats} (`Number(x)` still gives the number). */
export function pythonFloat(value: number): number {
  return new PythonFloat(value) as unknown as number;
}

/** JSON.stringify, with {@link pythonFloat} values written as floats (`0.0`, `1.0`, `1e-07`). */
export function stringifyWithPythonFloats(value: unknown): string {
  const quotedMarker = JSON.stringify(marker).slice(0, -1);
  return JSON.stringify(value).replace(new RegExp(`${escapeRegExp(quotedMarker)}([^"]*)"`, "g"), (_match, number: string) => {
    const parsed = Number(number);
    if (!Number.isFinite(parsed)) return number === "NaN" ? "NaN" : parsed > 0 ? "Infinity" : "-Infinity";
    return Number.isInteger(parsed) && !/e/i.test(number) ? `${number}.0` : number;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A config's number values as Python floats (Keras refuses `momentum=0` or `learning_rate=1` as ints). */
export function withPythonFloats(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "number" ? pythonFloat(value) : value]));
}
