/** Reads a job the caller owns; anyone else's id is a 404, the same as an unknown one. */
import type { JobRecord } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import type { ApiDeps } from "../deps";

/** The record of job `id` when `owner` created it, else 404. */
export async function ownedJob(deps: ApiDeps, id: string, owner: string): Promise<JobRecord> {
  const record = await deps.store.get(id);
  if (!record || record.owner !== owner) throw GatewayError.notFound("job", id);
  return record;
}
