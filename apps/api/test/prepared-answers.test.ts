import { type JobRecord, newJobRecord } from "@imagegate/jobs";
import { normalizeImageRequest } from "@imagegate/params";
import { imagesAnswer, preparedAnswer } from "../src/services/prepared-answers";

/** What the final write stored: one image. */
const RESULT: NonNullable<JobRecord["result"]> = {
  created: 1_796_000_000,
  images: [
    {
      key: "jobs/ed/job_prepared-0.png",
      format: "png",
      width: 64,
      height: 64,
      bytes: 4,
      seed: null,
      revised_prompt: null,
    },
  ],
  output_format: "png",
  size: "64x64",
};

/** A succeeded job with one stored image, answered as `format`. */
function succeeded(format: "b64_json" | "url"): JobRecord {
  const record = newJobRecord({
    id: "job_prepared",
    owner: "o",
    request: normalizeImageRequest({ prompt: "p", response_format: format }),
    model: "flux.2-max",
    providerOrder: ["local"],
    requestId: null,
  });
  return {
    ...record,
    status: "succeeded",
    provider: "local",
    run: "run-direct:job_prepared-1796000000000",
    progress: 1,
    result: RESULT,
  };
}

/** Storage that counts its reads and links: each image is there once, as recent images are. */
function presentCounting(bytes = Buffer.from("PNG!")) {
  const taken = new Set<string>();
  const calls = { read: 0, link: 0 };
  return {
    calls,
    present: {
      read: async (key: string) => {
        calls.read++;
        if (taken.has(key)) throw new Error(`${key} already taken`);
        taken.add(key);
        return bytes;
      },
      link: async (key: string) => {
        calls.link++;
        return `https://files.example/${key}`;
      },
    },
  };
}

describe("a prepared answer", () => {
  it.each(["b64_json", "url"] as const)(
    "answers %s with the same bytes it would build after the write",
    async (format) => {
      const record = succeeded(format);
      const after = await imagesAnswer(presentCounting(), record);
      const deps = presentCounting();
      const answer = preparedAnswer(deps);
      answer.prepare(record);
      expect(await answer.take(record)).toEqual(after);
      expect(deps.calls.read + deps.calls.link).toBe(1);
    },
  );

  it("serves the record that write made, whether from the run or from its event", async () => {
    const record = succeeded("b64_json");
    const answer = preparedAnswer(presentCounting());
    answer.prepare(record);
    // The event's record: decoded from the hash, equal but another object.
    expect(await answer.take(structuredClone(record))).not.toBeNull();
  });

  it("is taken once", async () => {
    const record = succeeded("b64_json");
    const answer = preparedAnswer(presentCounting());
    answer.prepare(record);
    expect(await answer.take(record)).not.toBeNull();
    expect(await answer.take(record)).toBeNull();
  });

  const other = (patch: Partial<JobRecord>) => ({ ...succeeded("b64_json"), ...patch });
  it.each([
    ["another run's success", other({ run: "run-other" })],
    ["another try of the write", other({ result: { ...RESULT, created: 1_796_000_009 } })],
    ["a failure", other({ status: "failed", result: null })],
    ["a cancel", other({ status: "canceled" })],
  ])("is not sent for %s", async (_name, record) => {
    const answer = preparedAnswer(presentCounting());
    answer.prepare(succeeded("b64_json"));
    expect(await answer.take(record)).toBeNull();
  });

  it("gives nothing when its build failed, so the answer is built again", async () => {
    const record = succeeded("b64_json");
    const answer = preparedAnswer({
      present: {
        read: async () => Promise.reject(new Error("storage down")),
        link: async () => Promise.reject(new Error("storage down")),
      },
    });
    answer.prepare(record);
    expect(await answer.take(record)).toBeNull();
  });

  it("is none before its run prepared it", async () => {
    expect(await preparedAnswer(presentCounting()).take(succeeded("url"))).toBeNull();
  });
});
