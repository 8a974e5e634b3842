/** The job hash layout both ways: what `encodeNewJob` writes, `decodeJobRecord` reads back. */
import { normalizeImageRequest } from "@imagegate/params";
import type { JobRecord } from "../src/index";
import { decodeJobRecord, encodeNewJob, pairsToHash } from "../src/job-codec";
import { testJob } from "./job-fixture";

const record = testJob({
  id: "job_codec",
  request: normalizeImageRequest({ prompt: "p", size: "64x64" }),
  providerOrder: ["openai", "local"],
  requestId: "req_1",
});
const stored = () => pairsToHash(encodeNewJob(record));
const task = (call_index: number, submitted_at_ms: number) => ({
  provider: "bfl" as const,
  call_index,
  task_id: `t${call_index}`,
  submitted_at_ms,
  state: "running" as const,
  cost_usd: null,
  urls: {},
  error: null,
});

describe("decodeJobRecord", () => {
  it.each<[string, () => Record<string, string>, Partial<JobRecord> | null]>([
    ["a new record, as written", stored, {}],
    ["no doc", () => ({ status: '"queued"' }), null],
    [
      "changed fields over the doc",
      () => ({ ...stored(), status: '"in_progress"', attempts: "2", provider: '"openai"' }),
      { status: "in_progress", attempts: 2, provider: "openai" },
    ],
    [
      "any other field set after creation, over the doc",
      () => ({ ...stored(), batch_id: '"batch_1"', metadata: '{"k":"v"}' }),
      { batch_id: "batch_1", metadata: { k: "v" } },
    ],
    [
      "a field an older doc held, never set since",
      () => {
        const hash = stored();
        hash.doc = JSON.stringify({ ...JSON.parse(hash.doc as string), reconciled: 3 });
        return hash;
      },
      { reconciled: 3 },
    ],
    [
      "a set field over the doc's own",
      () => {
        const hash = stored();
        hash.doc = JSON.stringify({ ...JSON.parse(hash.doc as string), reconciled: 3 });
        return { ...hash, reconciled: "5" };
      },
      { reconciled: 5 },
    ],
    [
      "tasks, oldest first, then by call",
      () => ({
        ...stored(),
        "task:2": JSON.stringify(task(2, 300)),
        "task:0": JSON.stringify(task(0, 100)),
        "task:1": JSON.stringify(task(1, 100)),
      }),
      { upstream_tasks: [task(0, 100), task(1, 100), task(2, 300)] },
    ],
  ])("%s", (_name, hash, changes) => {
    const decoded = decodeJobRecord(hash());
    if (changes === null) expect(decoded).toBeNull();
    else expect(decoded).toEqual({ ...record, ...changes });
  });

  it("gives each record its own arrays", () => {
    const a = decodeJobRecord(stored()) as JobRecord;
    const b = decodeJobRecord(stored()) as JobRecord;
    a.attempt_log.push({} as JobRecord["attempt_log"][number]);
    expect(b.attempt_log).toEqual([]);
  });
});
