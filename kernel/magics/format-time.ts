/**
 * IPython's time format: three significant digits in s/ms/µs/ns, or "1min 5s"-style spans from a
 * minute up (the format `%time` and `%timeit` print).
 */
export function formatTime(seconds: number): string {
  if (seconds >= 60) {
    const parts: string[] = [];
    let left = seconds;
    for (const [suffix, length] of [
      ["d", 86400],
      ["h", 3600],
      ["min", 60],
      ["s", 1],
    ] as const) {
      const value = Math.floor(left / length);
      if (value > 0) {
        left %= length;
        parts.push(`${value}${suffix}`);
      }
      if (left < 1) break;
    }
    return parts.join(" ");
  }
  const units = ["s", "ms", "\u00b5s", "ns"];
  const order = seconds > 0 ? Math.min(Math.max(-Math.floor(Math.floor(Math.log10(seconds)) / 3), 0), 3) : 3;
  const scaled = seconds * 1000 ** order;
  return `${formatSignificant(scaled, 3)} ${units[order]}`;
}

/** C's `%.3g`: three significant digits, trailing zeros dropped. */
function formatSignificant(value: number, digits: number): string {
  if (value === 0) return "0";
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= digits) {
    const [mantissa, power] = value.toExponential(digits - 1).split("e");
    const sign = power!.startsWith("-") ? "-" : "+";
    const magnitude = power!.replace(/^[+-]/, "").padStart(2, "0");
    return `${mantissa!.includes(".") ? mantissa!.replace(/\.?0+$/, "") : mantissa}e${sign}${magnitude}`;
  }
  const fixed = value.toFixed(Math.max(0, digits - 1 - exponent));
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}
