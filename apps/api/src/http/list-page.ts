/**
 * The paging of the list routes (`GET /v1/jobs`, `/v1/batches`, `/v1/files`),
 * in OpenAI's shape: `?limit=` and an `?after=` cursor in, a list object with
 * `first_id`, `last_id` and `has_more` out.
 */
import { GatewayError } from "@imagegate/params";

/** `?limit=`: an integer from 1 to `max`, `fallback` when absent; else 400 naming `limit`. */
export function parseLimit(value: unknown, fallback: number, max: number): number {
  const limit = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw GatewayError.invalidRequest("limit", `limit must be an integer from 1 to ${max}.`);
  }
  return limit;
}

/** `?after=`: the id to continue after, when one is given. */
export function parseAfter(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

/** One page of a list, as OpenAI answers it. */
export function listPage<T extends { id: string }>(data: T[], hasMore: boolean) {
  return {
    object: "list" as const,
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: hasMore,
  };
}
