/**
 * Where a job's result images are stored in the blob store. The images of
 * all jobs share a few thousand directories, named by the last two (random)
 * characters of the job id: `jobs/<shard>/<id>-<index>.<ext>`. A directory
 * per job (`jobs/<id>/<index>.<ext>`, what earlier versions wrote) cost a
 * `mkdir` per job on a filesystem and was never removed with its files.
 * Records keep their keys, so both forms are read.
 */
import type { OutputFormat } from "@imagegate/params";

/** The blob key of job `jobId`'s `index`-th image. */
export function imageKey(jobId: string, index: number, format: OutputFormat): string {
  return `jobs/${jobId.slice(-2)}/${jobId}-${index}.${format === "jpeg" ? "jpg" : format}`;
}

const SHARED_NAME = /^(.+)-\d+\.[A-Za-z0-9]+$/;

/**
 * The job a `jobs/…` image key belongs to, in either form; null when the key
 * is neither. A shared directory's name is its files' ids' last two characters,
 * so an earlier per-job key (`jobs/<id>/0.png`) never reads as one.
 */
export function jobIdOfImageKey(key: string): string | null {
  const parts = key.split("/");
  if (parts[0] !== "jobs" || parts.length !== 3 || !parts[1] || !parts[2]) return null;
  const id = SHARED_NAME.exec(parts[2])?.[1];
  if (id && id.slice(-2) === parts[1]) return id;
  return parts[1];
}
