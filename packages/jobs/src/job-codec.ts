/**
 * How a job record is laid out in its Redis hash
 * ([decision 0008](/docs/decisions/0008-job-record-as-a-redis-hash.md)):
 * the fields fixed at creation in one JSON `doc`, each changing field as its
 * own JSON value (absent until first set), each upstream task as a `task:…`
 * field. Pure: `job-store.ts` does the I/O.
 */
import { type JobRecord, JobRecordSchema, type UpstreamTaskEntry } from "./records";

/** Fields fixed at creation: stored together as one JSON `doc` field. */
const IMMUTABLE = [
  "id",
  "owner",
  "operation",
  "model",
  "provider_order",
  "created_at",
  "request",
  "batch_id",
  "custom_id",
  "metadata",
  "request_id",
] as const;

/** Values of the mutable fields before anything set them (absent from the hash until then). */
const MUTABLE_DEFAULTS = {
  provider: null,
  attempts: 0,
  progress: 0,
  started_at: null,
  completed_at: null,
  applied: null,
  result: null,
  error: null,
  attempt_log: [],
  webhook: null,
  run: null,
  reconciled: 0,
  cost: null,
};

/** The mutable fields' initial values as JSON, computed once. */
const MUTABLE_DEFAULT_JSON = Object.entries(MUTABLE_DEFAULTS).map(
  ([key, initial]) => [key as keyof typeof MUTABLE_DEFAULTS, JSON.stringify(initial)] as const,
);

/** A new record as hash fields: the immutable `doc`, the status, and any mutable field already set. */
export function encodeNewJob(record: JobRecord): string[] {
  const doc: Record<string, unknown> = {};
  for (const key of IMMUTABLE) doc[key] = record[key];
  const args = ["doc", JSON.stringify(doc), "status", JSON.stringify(record.status)];
  for (const [key, initial] of MUTABLE_DEFAULT_JSON) {
    const value = JSON.stringify(record[key]);
    if (value !== initial) args.push(key, value);
  }
  return args;
}

/** A flat HGETALL-style reply as an object. */
export function pairsToHash(flat: readonly string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i] as string] = flat[i + 1] as string;
  return hash;
}

/**
 * A `doc` as this version names its fields. Records written before the
 * failover order was renamed hold it as `route`; they are still read during
 * and after an upgrade. Remove this once every deployment has run the rename
 * for longer than JOB_TTL_SECONDS (7 days by default): no such record is left.
 */
function upgradeDoc(doc: Record<string, unknown>): Record<string, unknown> {
  if (!("route" in doc) || "provider_order" in doc) return doc;
  const { route, ...rest } = doc;
  return { ...rest, provider_order: route };
}

/** The order of a record's upstream tasks: oldest first, then by call. */
export function byTaskOrder(a: UpstreamTaskEntry, b: UpstreamTaskEntry): number {
  return a.submitted_at_ms - b.submitted_at_ms || a.call_index - b.call_index;
}

/** The mutable fields' names, once. */
const MUTABLE_KEYS = Object.keys(MUTABLE_DEFAULTS) as (keyof typeof MUTABLE_DEFAULTS)[];

/**
 * A record from its hash fields (also what a final job-event carries); null
 * without a `doc`. Built on the parsed `doc` itself, field by known field: a
 * copy of the defaults with the doc assigned over it made an object that
 * cost zod twice as much to check (37 µs a record against 15).
 */
export function decodeJobRecord(hash: Record<string, string>): JobRecord | null {
  if (!hash.doc) return null;
  const raw = upgradeDoc(JSON.parse(hash.doc));
  const tasks: UpstreamTaskEntry[] = [];
  for (const key in hash) {
    if (key === "doc") continue;
    const value = hash[key] as string;
    if (key.startsWith("task:")) tasks.push(JSON.parse(value));
    else raw[key] = JSON.parse(value);
  }
  // A field never set keeps what an older doc held, else its initial value.
  for (const key of MUTABLE_KEYS) if (!(key in raw)) raw[key] = MUTABLE_DEFAULTS[key];
  raw.upstream_tasks = tasks.sort(byTaskOrder);
  return JobRecordSchema.parse(raw);
}
