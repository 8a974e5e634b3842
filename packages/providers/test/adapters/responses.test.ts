import { interpretBflResult } from "../../src/bfl/response";
import { falImages, isFalAborted, isFalDone } from "../../src/fal/response";
import { openaiItems } from "../../src/openai/response";
import { interpretPrediction, isModerationText } from "../../src/replicate/response";

describe("interpretBflResult", () => {
  it.each([
    [
      { status: "Pending", progress: 0.4 },
      { state: "pending", progress: 0.4 },
    ],
    [
      { status: "Ready", result: { sample: "https://x/s.jpg", seed: 3 } },
      { state: "ready", sampleUrl: "https://x/s.jpg", seed: 3, prompt: undefined },
    ],
    [
      { status: "Ready", result: { sample: "https://x/s.jpg", prompt: "a fox, upsampled" } },
      { state: "ready", sampleUrl: "https://x/s.jpg", prompt: "a fox, upsampled" },
    ],
    [{ status: "Request Moderated" }, { state: "refused" }],
    [{ status: "Content Moderated", details: { reason: "x" } }, { state: "refused" }],
    [{ status: "Task not found" }, { state: "lost" }],
    [{ status: "Error" }, { state: "failed" }],
    [{ status: "Failed" }, { state: "failed" }],
    [{ status: "Ready", result: {} }, { state: "failed" }],
    [{ status: "Queued?" }, { state: "pending" }],
  ])("reads %j", (body, expected) => {
    expect(interpretBflResult(body)).toMatchObject(expected);
  });

  it("quotes moderation details", () => {
    const r = interpretBflResult({
      status: "Content Moderated",
      details: { "Moderation Reasons": ["x"] },
    });
    expect(r.state === "refused" && r.message).toContain("Moderation Reasons");
  });
});

describe("fal status and output", () => {
  it.each([
    ["IN_QUEUE", false, false],
    ["IN_PROGRESS", false, false],
    ["COMPLETED", true, false],
    ["FAILED", false, true],
    ["CANCELED", false, true],
  ])("%s: done %s, aborted %s", (status, done, aborted) => {
    expect([isFalDone(status), isFalAborted(status)]).toEqual([done, aborted]);
  });

  it("lists image URLs and the seed", () => {
    expect(
      falImages({ images: [{ url: "a" }, { url: "data:image/png;base64,AA" }], seed: 4 }),
    ).toEqual({
      urls: ["a", "data:image/png;base64,AA"],
      seed: 4,
    });
  });
});

describe("interpretPrediction", () => {
  const base = { id: "p1", urls: { get: "g" } };
  it.each([
    [{ status: "starting" }, "running"],
    [{ status: "processing" }, "running"],
    [{ status: "succeeded", output: "https://r/out.webp" }, "succeeded"],
    [{ status: "succeeded", output: ["a", "b"] }, "succeeded"],
    [{ status: "succeeded", output: null }, "failed"],
    [{ status: "failed", error: "NSFW content detected" }, "refused"],
    [{ status: "failed", error: "CUDA out of memory" }, "failed"],
    [{ status: "canceled" }, "canceled"],
  ])("reads %j as %s", (p, state) => {
    expect(interpretPrediction({ ...base, ...p }).state).toBe(state);
  });

  it.each([
    ["NSFW content detected", true],
    ["Output was flagged as sensitive (E005)", true],
    ["The safety checker blocked this", true],
    ["Prediction interrupted", false],
  ])("recognises moderation in %j: %s", (text, refused) => {
    expect(isModerationText(text)).toBe(refused);
  });
});

describe("openaiItems", () => {
  it("keeps base64, URLs and revised prompts in order", () => {
    expect(
      openaiItems({ data: [{ b64_json: "QQ==" }, { url: "https://x", revised_prompt: "r" }] }),
    ).toEqual([
      { b64: "QQ==", url: undefined, revisedPrompt: undefined },
      { b64: undefined, url: "https://x", revisedPrompt: "r" },
    ]);
  });
});
