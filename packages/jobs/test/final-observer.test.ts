import { type JobRecord, observeFinalOnce } from "@imagegate/jobs";
import { testJob } from "./job-fixture";

function record(id: string): JobRecord {
  return testJob({ id });
}

describe("observeFinalOnce", () => {
  it("observes a job on the announcement of the write that ended it, never on a repeat", async () => {
    const seen: string[] = [];
    const observe = observeFinalOnce({ observe: (r) => seen.push(r.id) });
    await observe(record("job_1"), true);
    await observe(record("job_1"), false);
    await observe(record("job_1"), false);
    await observe(record("job_2"), true);
    expect(seen).toEqual(["job_1", "job_2"]);
  });

  it("reports an observer's error instead of failing the job's ending", async () => {
    const errors: unknown[] = [];
    const observe = observeFinalOnce({
      observe: () => {
        throw new Error("registry full");
      },
      onError: (err) => errors.push(err),
    });
    await expect(observe(record("job_3"), true)).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});
