/**
 * The filesystem driver: an object is the file at its key under `dir`.
 *
 * - A new object is written in place: nobody can know its key before the
 *   put returns (links are handed out after it), and a write that fails
 *   part-way removes it. One that exists is replaced through a hidden temp
 *   file in its own directory (same filesystem, so `rename` is atomic): a
 *   reader never sees half an object, and a re-run overwrites.
 * - Bodies are streamed in and out with `pipeline`, never held whole.
 * - The content type is the key's extension's (`.png` → image/png); only when
 *   a key has no known extension, or is stored with another type, does it
 *   live in a hidden sidecar `.<name>.meta.json` beside the object — saving
 *   every image write a second file. Key segments cannot start with a dot
 *   (`keys.ts`), so no key collides with a sidecar or a temp file.
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import {
  type FileHandle,
  mkdir,
  open,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { BlobNotFoundError, codeOf, UnsafeKeyError } from "./errors";
import { assertSafeKey } from "./keys";
import { type NewFileWriter, syncNewFileWriter } from "./new-file-writer";
import { buildSignedUrl } from "./signed-url";
import type { BlobInfo, BlobStore } from "./types";

/** Options of `createFsStore`. */
export type FsStoreOptions = {
  /** Root directory of all objects; created when missing. */
  dir: string;
  /** Base of the links handed out (the API serves `/files/...` there). */
  publicBaseUrl: string;
  /** HMAC key of the links. */
  signingSecret: string;
  /** Clock for link expiry, in unix milliseconds. @defaultValue Date.now */
  now?: () => number;
  /** How small new files are written (`new-file-writer.ts`). @defaultValue syncNewFileWriter */
  newFiles?: NewFileWriter;
};

const DEFAULT_TYPE = "application/octet-stream";

/** Content types implied by a key's extension (what the gateway stores). */
const TYPE_OF_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  avif: "image/avif",
  gif: "image/gif",
  jsonl: "application/jsonl",
};

/** The type a key's extension implies, if it has a known one. */
export function typeOfKey(key: string): string | undefined {
  const dot = key.lastIndexOf(".");
  return dot > key.lastIndexOf("/")
    ? TYPE_OF_EXTENSION[key.slice(dot + 1).toLowerCase()]
    : undefined;
}

/** ENOTDIR/EISDIR: the key names a directory or runs through a file; no such object either way. */
function isMissing(err: unknown): boolean {
  const code = codeOf(err);
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}

async function ignoreMissing(work: Promise<void>): Promise<void> {
  try {
    await work;
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
}

/**
 * Bodies up to this size are written by the store's `newFiles` writer, with
 * synchronous calls: each async call is a thread-pool round trip, and for a
 * small image those cost more CPU than the write itself (measured on the
 * bench machine: 30 µs for `writeFileSync` of 11 KB against 115 µs for
 * `writeFile`, docs/decisions/0018-direct-runs.md).
 */
const SYNC_WRITE_MAX_BYTES = 256 * 1024;

/** `writeNewFileSync` with asynchronous calls, for a large body. */
async function writeNewFile(target: string, body: Buffer): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(target, "wx");
  } catch (err) {
    if (codeOf(err) === "EEXIST") return false;
    if (codeOf(err) !== "ENOENT") throw err;
    await mkdir(dirname(target), { recursive: true });
    return writeNewFile(target, body);
  }
  try {
    await handle.writeFile(body);
  } catch (err) {
    await handle.close();
    await rm(target, { force: true });
    throw err;
  }
  await handle.close();
  return true;
}

/** Writes `target` through a sibling temp file and a rename. */
async function writeAtomically(target: string, write: (temp: string) => Promise<void>) {
  const temp = join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
  try {
    await write(temp);
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** The stored type: the sidecar's when there is one, else the extension's, else bytes. */
async function readContentType(metaPath: string, key: string): Promise<string> {
  const fallback = typeOfKey(key) ?? DEFAULT_TYPE;
  try {
    const meta: unknown = JSON.parse(await readFile(metaPath, "utf8"));
    const type = (meta as { contentType?: unknown } | null)?.contentType;
    return typeof type === "string" ? type : fallback;
  } catch (err) {
    // A missing or unreadable sidecar (object copied in by hand) still serves.
    if (isMissing(err) || err instanceof SyntaxError) return fallback;
    throw err;
  }
}

/** Creates the filesystem blob store. */
export function createFsStore(options: FsStoreOptions): BlobStore {
  const root = resolve(options.dir);
  const now = options.now ?? Date.now;
  const newFiles = options.newFiles ?? syncNewFileWriter;

  function pathsOf(key: string): { file: string; meta: string } {
    assertSafeKey(key);
    const file = resolve(root, key);
    // Belt and braces: a safe key can never resolve outside the root.
    const rel = relative(root, file);
    if (rel === "" || isAbsolute(rel) || rel.split(sep)[0] === "..") throw new UnsafeKeyError(key);
    return { file, meta: join(dirname(file), `.${basename(file)}.meta.json`) };
  }

  async function head(key: string): Promise<BlobInfo | null> {
    const paths = pathsOf(key);
    try {
      const stats = await stat(paths.file);
      if (!stats.isFile()) return null;
      return { key, bytes: stats.size, contentType: await readContentType(paths.meta, key) };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  return {
    driver: "fs",

    async put(key, body, contentType) {
      const paths = pathsOf(key);
      let bytes = 0;
      // A new file is written in place: no reader can know its key yet (a link is handed out
      // after the put). One that exists may be being read: it is replaced through a temp
      // file and a rename. A stream cannot be replayed after a failed first try: always so.
      let created = false;
      if (Buffer.isBuffer(body)) {
        created =
          body.length <= SYNC_WRITE_MAX_BYTES
            ? await newFiles.write(paths.file, body)
            : await writeNewFile(paths.file, body);
        bytes = body.length;
      }
      if (!created) {
        await mkdir(dirname(paths.file), { recursive: true });
        await writeAtomically(paths.file, async (path) => {
          if (Buffer.isBuffer(body)) {
            await writeFile(path, body);
            bytes = body.length;
          } else {
            const out = createWriteStream(path);
            await pipeline(body, out);
            bytes = out.bytesWritten;
          }
        });
      }
      // After the data: a failed body leaves the previous object and its type untouched.
      if (typeOfKey(key) === contentType) {
        // The extension says it; a sidecar left by an earlier put of another type must go.
        // A new file has none: a sidecar never outlives its file (`delete` removes it first).
        if (!created) await ignoreMissing(unlink(paths.meta));
      } else {
        await writeAtomically(paths.meta, (temp) =>
          writeFile(temp, JSON.stringify({ contentType })),
        );
      }
      return { key, bytes, contentType };
    },

    async get(key) {
      try {
        return await readFile(pathsOf(key).file);
      } catch (err) {
        if (isMissing(err)) throw new BlobNotFoundError(key, { cause: err });
        throw err;
      }
    },

    async getStream(key) {
      const paths = pathsOf(key);
      // Open first and stat the open file: an overwrite racing this read swaps the
      // directory entry, not the bytes behind this descriptor, so size and body agree.
      const handle = await open(paths.file, "r").catch((err: unknown) => {
        throw isMissing(err) ? new BlobNotFoundError(key, { cause: err }) : err;
      });
      try {
        const stats = await handle.stat();
        if (!stats.isFile()) throw new BlobNotFoundError(key);
        const contentType = await readContentType(paths.meta, key);
        return { stream: handle.createReadStream(), info: { key, bytes: stats.size, contentType } };
      } catch (err) {
        await handle.close();
        throw err;
      }
    },

    head,

    async delete(key) {
      const paths = pathsOf(key);
      // The sidecar first: a crash between the two never leaves one without its file.
      await ignoreMissing(unlink(paths.meta));
      await ignoreMissing(unlink(paths.file));
    },

    async signedUrl(key, opts) {
      pathsOf(key);
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
      await rm(probe, { force: true });
    },
  };
}
