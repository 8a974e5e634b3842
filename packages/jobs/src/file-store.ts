/**
 * Files (OpenAI Files API, docs/architecture.md#batches-and-files): metadata in
 * Redis, bytes in the blob store under `files/<id>`. Scoped to the owner key
 * like jobs: another key's file id is unknown.
 */
import { z } from "zod";
import { isCluster, redisKeys } from "./keys";
import type { RedisClient } from "./redis";

export const FileRecordSchema = z.object({
  id: z.string(),
  owner: z.string(),
  bytes: z.number().int(),
  created_at: z.number().int(),
  filename: z.string(),
  purpose: z.enum(["batch", "batch_output"]),
  /** Blob store key of the bytes. */
  key: z.string(),
  expires_at: z.number().int().nullable(),
});
export type FileRecord = z.infer<typeof FileRecordSchema>;

/** The OpenAI FileObject of a record. */
export function presentFile(file: FileRecord) {
  return {
    id: file.id,
    object: "file" as const,
    bytes: file.bytes,
    created_at: file.created_at,
    filename: file.filename,
    purpose: file.purpose,
    status: "processed" as const,
    expires_at: file.expires_at,
    status_details: null,
  };
}

export type FileStore = ReturnType<typeof createFileStore>;

/** Creates the Redis file metadata store; records live `ttlSeconds`. */
export function createFileStore(options: {
  redis: RedisClient;
  prefix: string;
  ttlSeconds: number;
}) {
  const { redis, ttlSeconds } = options;
  const keys = redisKeys(options.prefix, isCluster(options.redis));
  const read = async (id: string) => {
    const raw = await redis.get(keys.file(id));
    return raw ? FileRecordSchema.parse(JSON.parse(raw)) : null;
  };
  return {
    async create(file: FileRecord): Promise<void> {
      await redis
        .multi()
        .set(keys.file(file.id), JSON.stringify(file), "EX", ttlSeconds)
        .zadd(keys.ownerFiles(file.owner), Date.now(), file.id)
        .expire(keys.ownerFiles(file.owner), ttlSeconds)
        // Its bytes go when the record does (retention-index.ts).
        .zadd(keys.retentionDue(), Date.now() + ttlSeconds * 1000, file.key)
        .exec();
    },
    /** The record when `owner` made it, else null. */
    async get(id: string, owner: string): Promise<FileRecord | null> {
      const file = await read(id);
      return file && file.owner === owner ? file : null;
    },
    /** The owner's files, newest first (or oldest with order asc), after the cursor. */
    async list(
      owner: string,
      options: {
        limit: number;
        after?: string | undefined;
        purpose?: string | undefined;
        order: "asc" | "desc";
      },
    ) {
      const index = keys.ownerFiles(owner);
      const all =
        options.order === "asc"
          ? await redis.zrange(index, 0, -1)
          : await redis.zrevrange(index, 0, -1);
      const start = options.after ? all.indexOf(options.after) + 1 : 0;
      const data: FileRecord[] = [];
      for (const id of all.slice(start)) {
        const file = await read(id);
        if (!file || (options.purpose && file.purpose !== options.purpose)) continue;
        if (data.length === options.limit) return { data, hasMore: true };
        data.push(file);
      }
      return { data, hasMore: false };
    },
    async delete(file: FileRecord): Promise<void> {
      await redis.multi().del(keys.file(file.id)).zrem(keys.ownerFiles(file.owner), file.id).exec();
    },
  };
}
