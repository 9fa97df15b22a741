// Where the model files written by Python Keras/TensorFlow live: `../shared/fixtures/real/` beside the
// repository. A clone made elsewhere (`git clone /work/main /tmp/ci-check`) finds them beside the
// repository it was cloned from; TSKERAS_REAL_FIXTURES names the folder outright.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { repositoryRoot } from "./kernelspec.js";

function originDirectory(): string | undefined {
  try {
    const url = execFileSync("git", ["-C", repositoryRoot, "remote", "get-url", "origin"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const path = url.startsWith("file://") ? url.slice("file://".length) : url;
    return isAbsolute(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function findRealFixtures(): string {
  const fromEnvironment = process.env["TSKERAS_REAL_FIXTURES"];
  const origin = originDirectory();
  const candidates = [
    ...(fromEnvironment ? [fromEnvironment] : []),
    join(repositoryRoot, "..", "shared", "fixtures", "real"),
    ...(origin ? [join(origin, "..", "shared", "fixtures", "real")] : []),
  ];
  const found = candidates.find((candidate) => existsSync(join(candidate, "reference")));
  if (found === undefined) {
    throw new Error(
      `The real fixtures (model files written by Python) were not found; looked in: ${candidates.join(", ")}. Put them at ../shared/fixtures/real beside the repository, or set TSKERAS_REAL_FIXTURES to their folder.`,
    );
  }
  return found;
}

/** The folder of real fixtures (its README says where each file comes from). */
export const realFixturesDirectory = findRealFixtures();
