/**
 * Keras's spatial layer arguments, shared by the written pooling, reshaping, dropout, convolution and
 * image layers: `int or tuple of n ints` sizes, `data_format` (Keras's default with no keras.json is
 * channels_last) and the spatial axes it implies.
 *
 * @example
 * sizeTuple(2, 3, "UpSampling3D size"); // [2, 2, 2]
 * spatialAxes(2, "channels_first");     // [2, 3]
 */
export type DataFormat = "channels_last" | "channels_first";

/** A Keras `int or tuple of n ints` as n positive integers. */
export function sizeTuple(value: number | number[], rank: number, what: string): number[] {
  const result = typeof value === "number" ? new Array<number>(rank).fill(value) : [...value];
  if (result.length !== rank || result.some((item) => !Number.isInteger(item) || item < 1)) {
    throw new Error(`${what} must be a positive integer or ${rank} of them, got ${JSON.stringify(value)}.`);
  }
  return result;
}

/** Checks a Keras `data_format`; Keras's default (no keras.json) is channels_last. */
export function dataFormatOf(value: unknown, className: string): DataFormat {
  if (value === undefined || value === null) return "channels_last";
  if (value !== "channels_last" && value !== "channels_first")
    throw new Error(`${className}: data_format must be "channels_last" or "channels_first", got ${JSON.stringify(value)}.`);
  return value;
}

/** The spatial axes of a rank-(n+2) input. */
export function spatialAxes(rank: number, dataFormat: DataFormat): number[] {
  return Array.from({ length: rank }, (_unused, index) => (dataFormat === "channels_last" ? 1 + index : 2 + index));
}
