/**
 * BlobStore: where images, input files and batch files live. Two drivers
 * (`fs-store.ts`, `s3-store.ts`) behind one interface; keys are relative
 * paths such as `jobs/job_…/0.png`, validated by `assertSafeKey`.
 */
import type { Readable } from "node:stream";

/** What a stored object looks like from outside. */
export type BlobInfo = { key: string; bytes: number; contentType: string };

/** Options of a signed link. */
export type SignedUrlOptions = {
  /** Lifetime of the link, in seconds. */
  ttlSeconds: number;
  /** Suggested download file name (Content-Disposition). */
  filename?: string;
};

/** Objects by key, on local disk or S3; every method refuses unsafe keys with `UnsafeKeyError`. */
export interface BlobStore {
  /** Which driver this is. */
  readonly driver: "fs" | "s3";
  /** Writes an object (a Buffer, or a stream that is never held whole in memory). Overwrites. */
  put(key: string, body: Buffer | Readable, contentType: string): Promise<BlobInfo>;
  /** Reads a whole object; throws `BlobNotFoundError` when absent. */
  get(key: string): Promise<Buffer>;
  /** Streams an object; throws `BlobNotFoundError` when absent. */
  getStream(key: string): Promise<{ stream: Readable; info: BlobInfo }>;
  /** Size and type of an object, or null when absent. */
  head(key: string): Promise<BlobInfo | null>;
  /** Deletes an object; absent objects are fine. */
  delete(key: string): Promise<void>;
  /** A link that serves the object without credentials until it expires. */
  signedUrl(key: string, options: SignedUrlOptions): Promise<string>;
  /** Throws when the store is unreachable (readiness probe). */
  check(): Promise<void>;
}
