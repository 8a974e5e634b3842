/**
 * Prefixed random ids (`job_…`, `batch_…`, `file-…`, `req_…`), one generator
 * for all of them. The first 8 characters encode milliseconds since the epoch
 * so ids sort by creation time, which keeps cursor pagination stable.
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** The id kinds and their prefixes (OpenAI spells file ids `file-…`). */
export const ID_PREFIXES = {
  job: "job_",
  batch: "batch_",
  file: "file-",
  request: "req_",
  batchRequest: "batch_req_",
} as const;

/** A kind of id. */
export type IdKind = keyof typeof ID_PREFIXES;

function encodeTime(ms: number): string {
  let out = "";
  let rest = Math.floor(ms);
  for (let i = 0; i < 8; i++) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

// Random bytes are drawn 4 KiB at a time: one syscall per 256 ids, not one per id.
let pool = Buffer.alloc(0);
let poolOffset = 0;

function random16(): Buffer {
  if (poolOffset + 16 > pool.length) {
    pool = randomBytes(4096);
    poolOffset = 0;
  }
  poolOffset += 16;
  return pool.subarray(poolOffset - 16, poolOffset);
}

/** A new id of the given kind: prefix + 8 time characters + 16 random base62 characters. */
export function newId(kind: IdKind, nowMs: number = Date.now()): string {
  let random = "";
  for (const b of random16()) random += ALPHABET[b % 62];
  return `${ID_PREFIXES[kind]}${encodeTime(nowMs)}${random}`;
}
