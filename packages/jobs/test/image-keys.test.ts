import { imageKey, jobIdOfImageKey } from "../src/image-keys";

describe("imageKey", () => {
  it.each([
    ["job_0VcUYT3EecYb7r8Npc2YG6wT", 0, "png", "jobs/wT/job_0VcUYT3EecYb7r8Npc2YG6wT-0.png"],
    ["job_0VcUYT3EecYb7r8Npc2YG6wT", 9, "jpeg", "jobs/wT/job_0VcUYT3EecYb7r8Npc2YG6wT-9.jpg"],
    ["job_abc", 1, "webp", "jobs/bc/job_abc-1.webp"],
    ["job_a-b", 0, "avif", "jobs/-b/job_a-b-0.avif"],
  ] as const)("%s #%i as %s → %s", (id, index, format, key) => {
    expect(imageKey(id, index, format)).toBe(key);
  });
});

describe("jobIdOfImageKey", () => {
  it.each([
    // This version's shared directories, back to their job.
    ["jobs/wT/job_0VcUYT3EecYb7r8Npc2YG6wT-0.png", "job_0VcUYT3EecYb7r8Npc2YG6wT"],
    ["jobs/bc/job_abc-12.jpg", "job_abc"],
    ["jobs/-b/job_a-b-0.avif", "job_a-b"],
    // Earlier versions' directory per job.
    ["jobs/job_0VcUYT3EecYb7r8Npc2YG6wT/0.png", "job_0VcUYT3EecYb7r8Npc2YG6wT"],
    ["jobs/job_ab-1/0.png", "job_ab-1"],
    // A name that looks shared in a directory that does not match it is a per-job key.
    ["jobs/job_x/job_y-0.png", "job_x"],
    // Not image keys.
    ["jobs/job_x", null],
    ["jobs/a/b/c.png", null],
    ["inputs/job_x/0.png", null],
    ["files/file_x", null],
  ])("%s → %s", (key, id) => {
    expect(jobIdOfImageKey(key)).toBe(id);
  });

  it("reads back every key imageKey makes", () => {
    for (const id of ["job_0VcUYT3EecYb7r8Npc2YG6wT", "job_1", "job_zz", "job_a-9"]) {
      for (const index of [0, 3, 10]) {
        expect(jobIdOfImageKey(imageKey(id, index, "png"))).toBe(id);
      }
    }
  });
});
