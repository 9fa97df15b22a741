/**
 * Python's `str.format` for the templates Keras callbacks fill in (`"cp-{epoch:04d}.ckpt"`,
 * `"weights.{epoch:02d}-{val_loss:.2f}.hdf5"`): named fields with a format spec
 * `[[fill]align][sign][0][width][,|_][.precision][type]`. Integers (epoch, batch) and floats
 * (logs) are told apart because Python prints them differently (`5` vs `5.0`).
 */
export type FormatValue = { integer: number } | number | string;

const specPattern = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

/**
 * `toFixed` with Python's rounding: exact ties go to the even digit (JavaScript rounds them up).
 * `toFixed(100)` is the exact decimal value of the double, so a tie is recognisable.
 */
function fixed(value: number, digits: number): string {
  const rounded = value.toFixed(digits);
  if (value >= 1e21 || digits >= 100) return rounded;
  const exact = value.toFixed(100);
  const point = exact.indexOf(".");
  const rest = exact.slice(point + 1 + digits);
  if (!/^50*$/.test(rest)) return rounded;
  const kept = digits === 0 ? exact.slice(0, point) : exact.slice(0, point + 1 + digits);
  return Number(kept.at(-1)) % 2 === 0 ? kept : rounded;
}

function exponential(value: number, precision: number, upper: boolean): string {
  const [mantissa, exponent] = value.toExponential(precision).split("e") as [string, string];
  const sign = exponent.startsWith("-") ? "-" : "+";
  const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
  const text = `${mantissa}e${sign}${digits}`;
  return upper ? text.toUpperCase() : text;
}

function general(value: number, precision: number, alternate: boolean, upper: boolean): string {
  const significant = precision === 0 ? 1 : precision;
  if (value === 0) return alternate ? `0.${"0".repeat(significant - 1)}` : "0";
  const exponent = Number(value.toExponential(significant - 1).split("e")[1]);
  let text = exponent >= -4 && exponent < significant ? fixed(value, Math.max(0, significant - 1 - exponent)) : exponential(value, significant - 1, upper);
  // Python drops trailing zeros (and a bare point) from the mantissa unless `#` asks to keep them.
  if (!alternate) text = text.replace(/^([^eE]*\.\d*?)0+((?:[eE].*)?)$/, "$1$2").replace(/\.((?:[eE].*)?)$/, "$1");
  return text;
}

/** Python's `repr(float)`: shortest round-trip digits, always with a `.0` or exponent. */
function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const absolute = Math.abs(value);
  if (absolute !== 0 && (absolute >= 1e16 || absolute < 1e-4)) {
    const [mantissa, exponent] = value.toExponential().split("e") as [string, string];
    return `${mantissa}e${exponent.startsWith("-") ? "-" : "+"}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
  }
  const text = String(value);
  return text.includes(".") ? text : `${text}.0`;
}

function group(digits: string, separator: string | undefined): string {
  if (!separator) return digits;
  const [whole, fraction] = digits.split(".") as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function formatField(name: string, value: FormatValue, spec: string): string {
  const match = specPattern.exec(spec);
  if (!match)
    throw new Error(`Invalid format specifier '${spec}' for field {${name}}; expected Python's format mini-language, e.g. {${name}:04d} or {${name}:.2f}.`);
  const [, fill = " ", align, sign = "-", alternate, zero, width, grouping, precisionText, type] = match;
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  if (typeof value === "string") {
    if (type && type !== "s") throw new Error(`Unknown format code '${type}' for the text value of {${name}}.`);
    const text = precision === undefined ? value : value.slice(0, precision);
    return pad(text, width, align ?? "<", fill);
  }
  const isInteger = typeof value === "object";
  const number = isInteger ? value.integer : value;
  let body: string;
  const absolute = Math.abs(number);
  if (!Number.isFinite(number)) {
    // Python spells these inf/nan whatever the precision.
    body = Number.isNaN(number) ? "nan" : "inf";
    if (type === "E" || type === "F" || type === "G") body = body.toUpperCase();
    return pad((number < 0 ? "-" : sign === "+" ? "+" : "") + body, width, align ?? ">", zero !== undefined && align === undefined ? " " : fill);
  }
  switch (type) {
    case "d":
    case "n":
      if (!isInteger) throw new Error(`Unknown format code '${type}' for {${name}}, which is a float (${number}); use e.g. {${name}:.2f}.`);
      body = String(absolute);
      break;
    case "x":
    case "X":
    case "o":
    case "b":
      if (!isInteger) throw new Error(`Unknown format code '${type}' for {${name}}, which is a float.`);
      body = absolute.toString(type === "o" ? 8 : type === "b" ? 2 : 16);
      if (type === "X") body = body.toUpperCase();
      break;
    case "f":
    case "F":
      body = fixed(absolute, precision ?? 6);
      break;
    case "e":
    case "E":
      body = exponential(absolute, precision ?? 6, type === "E");
      break;
    case "g":
    case "G":
      body = general(absolute, precision ?? 6, alternate !== undefined, type === "G");
      break;
    case "%":
      body = `${fixed(absolute * 100, precision ?? 6)}%`;
      break;
    default:
      body = isInteger ? String(absolute) : precision === undefined ? pythonFloat(absolute) : general(absolute, precision, false, false);
  }
  body = group(body, grouping);
  const signText = number < 0 || Object.is(number, -0) ? "-" : sign === "+" ? "+" : sign === " " ? " " : "";
  if (zero !== undefined && align === undefined) return signText + body.padStart(Math.max(0, Number(width ?? 0) - signText.length), "0");
  if (align === "=") return signText + body.padStart(Math.max(0, Number(width ?? 0) - signText.length), fill);
  return pad(signText + body, width, align ?? ">", fill);
}

function pad(text: string, width: string | undefined, align: string, fill: string): string {
  const total = Number(width ?? 0);
  if (text.length >= total) return text;
  const missing = total - text.length;
  if (align === "<") return text + fill.repeat(missing);
  if (align === "^") return fill.repeat(Math.floor(missing / 2)) + text + fill.repeat(Math.ceil(missing / 2));
  return fill.repeat(missing) + text;
}

/**
 * Fills `{name}` / `{name:spec}` fields from `values`; `{{` and `}}` are literal braces, as in Python.
 * A field with no value throws, naming the values available (Python raises KeyError).
 */
export function pythonFormat(template: string, values: Record<string, FormatValue>): string {
  return template.replace(/\{\{|\}\}|\{([^{}:!]*)(?:![rsa])?(?::([^{}]*))?\}/g, (whole, name: string | undefined, spec: string | undefined) => {
    if (whole === "{{") return "{";
    if (whole === "}}") return "}";
    const key = name ?? "";
    if (!(key in values)) {
      throw new Error(
        `The file path template '${template}' uses {${key}}, but only ${Object.keys(values)
          .map((entry) => `{${entry}}`)
          .join(", ")} are known at this point (the epoch, the batch, and the logged metrics such as loss or val_loss when validation data is given).`,
      );
    }
    return formatField(key, values[key]!, spec ?? "");
  });
}
