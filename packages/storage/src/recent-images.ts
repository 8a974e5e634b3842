/**
 * Images a direct run just stored, kept in memory for the synchronous answer
 * that follows, so a `b64_json` answer does not read them back from storage
 * (docs/decisions/0018-direct-runs.md). Each is taken once; bounded by bytes
 * and age (lru-cache), so images nobody takes cost little and go soon.
 */
import { LRUCache } from "lru-cache";

/** Options of `createRecentImages`. */
export type RecentImagesOptions = {
  /** The most bytes kept. @defaultValue 64 MiB */
  maxBytes?: number;
  /** How long an image is kept. @defaultValue 30 s */
  ttlMs?: number;
};

/** Recently stored images by blob key. */
export type RecentImages = {
  keep(key: string, bytes: Uint8Array): void;
  /** The bytes stored under `key`, once; undefined when not kept (read storage instead). */
  take(key: string): Buffer | undefined;
};

/** Creates an empty set of recent images. */
export function createRecentImages(options: RecentImagesOptions = {}): RecentImages {
  const maxSize = options.maxBytes ?? 64 * 1024 * 1024;
  const cache = new LRUCache<string, Uint8Array>({
    maxSize,
    sizeCalculation: (bytes) => Math.max(1, bytes.byteLength),
    ttl: options.ttlMs ?? 30_000,
  });
  return {
    keep(key, bytes) {
      // lru-cache refuses an entry larger than maxSize by itself; a large image just isn't kept.
      cache.set(key, bytes);
    },
    take(key) {
      const bytes = cache.get(key);
      if (!bytes) return undefined;
      cache.delete(key);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
  };
}
