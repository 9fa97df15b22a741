/**
 * Raised for any checkpoint file that does not follow the TensorFlow bundle format: it names the
 * file and what was expected so a user can tell a corrupt download from a wrong path.
 *
 * @example
 * try { loadCheckpoint("ckpt/model"); } catch (e) { if (e instanceof CheckpointFormatError) console.log(e.path); }
 */
export class CheckpointFormatError extends Error {
  override readonly name = "CheckpointFormatError";
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}
