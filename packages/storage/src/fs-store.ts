/**
 * The filesystem driver: objects are files under `dir`, written to a temp
 * file and renamed into place (a crash never leaves half an object, a re-run
 * overwrites), streamed in and out without buffering. The content type lives
 * in a small sidecar (`<file>.meta`) because keys need not carry extensions.
 */
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { access, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { BlobNotFoundError, UnsafeKeyError } from "./errors";
import { assertSafeKey } from "./keys";
import { buildSignedUrl } from "./signed-url";
import type { BlobInfo, BlobStore, SignedUrlOptions } from "./types";

/** Options of `createFsStore`. */
export type FsStoreOptions = {
  /** Root directory of all objects. */
  dir: string;
  /** Base of the links handed out (the API serves `/files/...`). */
  publicBaseUrl: string;
  /** HMAC key of the links. */
  signingSecret: string;
  now?: () => number;
};

const META = ".meta";

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === "ENOENT";
}

/** Creates the filesystem blob store. */
export function createFsStore(options: FsStoreOptions): BlobStore {
  const root = resolve(options.dir);
  const now = options.now ?? Date.now;

  function pathOf(key: string): string {
    assertSafeKey(key);
    const path = resolve(root, key);
    // Belt and braces: a safe key can never resolve outside the root.
    if (!path.startsWith(root + sep)) throw new UnsafeKeyError(key);
    return path;
  }

  async function info(key: string): Promise<BlobInfo | null> {
    const path = pathOf(key);
    try {
      const [stats, meta] = await Promise.all([
        stat(path),
        readFile(path + META, "utf8").catch(() => ""),
      ]);
      return { key, bytes: stats.size, contentType: meta || "application/octet-stream" };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  return {
    driver: "fs",

    async put(key, body, contentType) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.${randomUUID()}.tmp`;
      try {
        await pipeline(
          Buffer.isBuffer(body) ? Readable.from([body]) : body,
          createWriteStream(temp),
        );
        await writeFile(path + META, contentType);
        await rename(temp, path);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      const stored = await info(key);
      if (!stored) throw new BlobNotFoundError(key);
      return stored;
    },

    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if (isMissing(err)) throw new BlobNotFoundError(key, { cause: err });
        throw err;
      }
    },

    async getStream(key) {
      const found = await info(key);
      if (!found) throw new BlobNotFoundError(key);
      return { stream: createReadStream(pathOf(key)), info: found };
    },

    head: info,

    async delete(key) {
      const path = pathOf(key);
      await Promise.all([rm(path, { force: true }), rm(path + META, { force: true })]);
    },

    async signedUrl(key: string, opts: SignedUrlOptions) {
      assertSafeKey(key);
      return buildSignedUrl({
        publicBaseUrl: options.publicBaseUrl,
        key,
        ttlSeconds: opts.ttlSeconds,
        secret: options.signingSecret,
        nowMs: now(),
        filename: opts.filename,
      });
    },

    async check() {
      await mkdir(root, { recursive: true });
      const probe = join(root, `.probe-${randomUUID()}`);
      await writeFile(probe, "");
      await access(probe);
      await rm(probe, { force: true });
    },
  };
}
