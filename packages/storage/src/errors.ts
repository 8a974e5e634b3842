/** Errors of the blob store. */

/** A failed system call's code (`ENOENT`, `EEXIST`, …), if it has one. */
export const codeOf = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;

/** The object does not exist. */
export class BlobNotFoundError extends Error {
  override readonly name = "BlobNotFoundError";
  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`No object at '${key}'.`, options);
  }
}

/** The key is not a safe relative path (traversal, absolute path, odd characters). */
export class UnsafeKeyError extends Error {
  override readonly name = "UnsafeKeyError";
  constructor(readonly key: string) {
    // JSON-quoted so control characters in a hostile key show up escaped in logs.
    super(`Unsafe storage key ${JSON.stringify(key.slice(0, 100))}.`);
  }
}
