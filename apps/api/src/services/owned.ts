/**
 * Reads of what the caller owns. Another key's job, batch or file answers 404,
 * the same as an unknown id, so ids never tell a caller what others have.
 */
import type { BatchRecord, FileRecord, JobRecord } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import type { ApiDeps } from "../deps";

function mine<T extends { owner: string }>(
  record: T | null,
  owner: string,
  kind: string,
  id: string,
): T {
  if (!record || record.owner !== owner) throw GatewayError.notFound(kind, id);
  return record;
}

/** The record of job `id` when `owner` created it, else 404. */
export async function ownedJob(deps: ApiDeps, id: string, owner: string): Promise<JobRecord> {
  return mine(await deps.store.get(id), owner, "job", id);
}

/** The record of batch `id` when `owner` created it, else 404. */
export async function ownedBatch(deps: ApiDeps, id: string, owner: string): Promise<BatchRecord> {
  return mine(await deps.batches.get(id), owner, "batch", id);
}

/** The record of file `id` when `owner` uploaded it (or its batch wrote it), else 404. */
export async function ownedFile(deps: ApiDeps, id: string, owner: string): Promise<FileRecord> {
  return mine(await deps.files.get(id, owner), owner, "file", id);
}
