import { unzipSync } from "fflate";

/** Limits that keep a hostile archive from exhausting memory. */
export interface ZipLimits {
  /** Largest allowed uncompressed size of one member. */
  maxMemberBytes: number;
  /** Largest allowed uncompressed size of all members together. */
  maxTotalBytes: number;
  /** Largest allowed uncompressed/compressed ratio for members bigger than `ratioFloorBytes`. */
  maxExpansionRatio: number;
  /** Members smaller than this are never refused for their ratio (tiny files compress very well). */
  ratioFloorBytes: number;
}

/** Default caps: 4 GiB per member and in total, ratio 100 above 1 MiB (cf. Keras's own guards). */
export const defaultZipLimits: ZipLimits = {
  maxMemberBytes: 2 ** 32,
  maxTotalBytes: 2 ** 32,
  maxExpansionRatio: 100,
  ratioFloorBytes: 1 << 20,
};

/**
 * Unzips an archive in memory after checking every member: no `..` segments or absolute paths,
 * no duplicate names, and no decompression bombs (ratio and absolute caps).
 *
 * @example
 * const members = readZipSafely(readFileSync("model.keras"), "model.keras");
 * const config = new TextDecoder().decode(members.get("config.json"));
 */
export function readZipSafely(data: Uint8Array, source: string, limits: ZipLimits = defaultZipLimits): Map<string, Uint8Array> {
  const seen = new Set<string>();
  let declaredTotal = 0;
  let unpacked: Record<string, Uint8Array>;
  try {
    unpacked = unzipSync(data, {
      filter(member) {
        checkMemberName(member.name, source);
        if (seen.has(member.name)) throw new ZipRefusal(`${source} contains the member "${member.name}" twice. A valid .keras archive names each member once; the file was tampered with or is corrupt.`);
        seen.add(member.name);
        if (member.originalSize > limits.maxMemberBytes) throw new ZipRefusal(`${source}: member "${member.name}" would expand to ${member.originalSize} bytes, above the ${limits.maxMemberBytes}-byte cap. Refusing a possible decompression bomb.`);
        if (member.size > data.length) throw new ZipRefusal(`${source}: member "${member.name}" claims ${member.size} compressed bytes but the archive has only ${data.length}. The archive is truncated or corrupt.`);
        declaredTotal += member.originalSize;
        if (declaredTotal > limits.maxTotalBytes) throw new ZipRefusal(`${source}: members would expand to more than ${limits.maxTotalBytes} bytes in total. Refusing a possible decompression bomb.`);
        const ratio = member.originalSize / Math.max(1, member.size);
        if (member.originalSize > limits.ratioFloorBytes && ratio > limits.maxExpansionRatio) {
          throw new ZipRefusal(`${source}: member "${member.name}" expands ${ratio.toFixed(0)}-fold (${member.size} → ${member.originalSize} bytes), above the limit of ${limits.maxExpansionRatio}. Refusing a possible decompression bomb.`);
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof ZipRefusal) throw new Error(error.message);
    throw new Error(`${source} is not a readable zip archive (${error instanceof Error ? error.message : String(error)}). Expected a Keras 3 .keras file; it may be truncated or corrupt.`);
  }
  return new Map(Object.entries(unpacked));
}

class ZipRefusal extends Error {}

function checkMemberName(name: string, source: string): void {
  const segments = name.split(/[\\/]/);
  if (name.startsWith("/") || name.startsWith("\\") || /^[A-Za-z]:/.test(name) || segments.includes("..") || name.includes("\0")) {
    throw new ZipRefusal(`${source} contains the member "${name}", which points outside the archive (absolute path or ".."). Refusing to read it; a valid .keras archive only has relative member names.`);
  }
}
