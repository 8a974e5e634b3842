/**
 * A synchronous request's answer, built while its direct run's final write
 * lands (docs/decisions/0018-direct-runs.md): the run tells the request the
 * record that write will leave once the write has left
 * (`DirectAnswer.prepare`), and the answer, once it has the final record,
 * sends what was built instead of building it after the write. One per
 * request, so nothing outlives it.
 */
import { imagesResponseJson, type JobRecord, presentImages } from "@imagegate/jobs";
import type { ApiDeps } from "../deps";

/** The JSON answer to a succeeded `record`; null when it has no result. */
export async function imagesAnswer(
  deps: Pick<ApiDeps, "present">,
  record: JobRecord,
): Promise<Buffer | null> {
  const body = await presentImages(record, deps.present);
  return body ? imagesResponseJson(body) : null;
}

/** One request's answer built ahead: `prepare` starts it, `take` hands it over once. */
export type PreparedAnswer = {
  /** Starts building the answer to `record`, the final record of a write on its way. */
  prepare(record: JobRecord): void;
  /**
   * The answer built for `record`: null when none was, or when `record` is
   * not what that write made (another run's, another try's, not a success).
   */
  take(record: JobRecord): Promise<Buffer | null>;
};

/** A request's prepared answer, empty until its run prepares it. */
export function preparedAnswer(deps: Pick<ApiDeps, "present">): PreparedAnswer {
  let built: {
    run: string | null;
    created: number | undefined;
    json: Promise<Buffer | null>;
  } | null = null;
  return {
    prepare(record) {
      built = {
        run: record.run,
        created: record.result?.created,
        // A build that fails is answered by building again, where its error is handled.
        json: imagesAnswer(deps, record).catch(() => null),
      };
    },
    async take(record) {
      const mine = built;
      built = null;
      // Whether the record came from the run or from its event, the same write made it:
      // a run writes its success once, and a retried write is a new try's result.
      const same =
        mine !== null &&
        record.status === "succeeded" &&
        record.run === mine.run &&
        record.result?.created === mine.created;
      return same ? mine.json : null;
    },
  };
}
