import { randomBytes } from "node:crypto";
import { imagesResponseJson } from "../src/images-response-json";
import type { ImagesResponse } from "../src/present-job";

const b64 = (bytes: number) => randomBytes(bytes).toString("base64");

/** A response as presentImages builds it: created, data, then the rest. */
const response = (data: ImagesResponse["data"], more: Partial<ImagesResponse> = {}) => ({
  created: 1_796_000_000,
  data,
  output_format: "png",
  size: "64x64",
  model: "flux.2-max",
  provider: "openai",
  job_id: "job_0VcWLr7D9ZnecHGSQ57wBTUk",
  applied: { size: { width: 64, height: 64, exact: true } },
  cost_usd: 0.07,
  ...more,
});

describe("imagesResponseJson", () => {
  it.each<[string, ImagesResponse]>([
    ["one b64 image", response([{ b64_json: b64(11_000) }])],
    ["one link", response([{ url: "http://localhost:8080/files/jobs/4i/job_x-0.png?sig=a%2Fb" }])],
    ["no images", response([])],
    ["three b64 images", response([{ b64_json: b64(3) }, { b64_json: b64(1) }, { b64_json: "" }])],
    [
      "revised prompts that need escaping",
      response([
        { b64_json: b64(40), revised_prompt: 'a "fox"\n\\ \u0000 ünïcode 🦊' },
        { b64_json: b64(41), revised_prompt: "lone \ud800 surrogate" },
      ]),
    ],
    ["links and b64 mixed", response([{ url: "http://x/0.png" }, { b64_json: b64(9) }])],
    ["a b64 key present but undefined", response([{ b64_json: undefined, url: "http://x/0" }])],
    [
      "nulls and a provider name to escape",
      response([{ b64_json: b64(5) }], { applied: null, cost_usd: null, provider: 'a"b' }),
    ],
  ])("%s: the bytes of JSON.stringify", (_name, body) => {
    const bytes = imagesResponseJson(body);
    expect(bytes.equals(Buffer.from(JSON.stringify(body)))).toBe(true);
    expect(JSON.parse(bytes.toString("utf8"))).toEqual(JSON.parse(JSON.stringify(body)));
  });
});
