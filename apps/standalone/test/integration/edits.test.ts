/**
 * `POST /v1/images/edits` end to end: the official SDK's multipart (one
 * file, `image[]`, mask), JSON with data URIs, async edits, and every
 * refusal of unsafe input — with the server healthy after each.
 */
import { request } from "node:http";
import { decodeImage, makeImage, pngBomb, readJson } from "@imagegate/testkit";
import OpenAI, { toFile } from "openai";
import { startGateway, type TestGateway } from "./gateway";

let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startGateway();
  client = new OpenAI({ apiKey: gateway.apiKey, baseURL: gateway.baseURL, maxRetries: 0 });
});

afterAll(async () => {
  await gateway.close();
});

async function healthy(): Promise<void> {
  expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
}

async function png(width: number, height: number, name = "in.png") {
  return toFile(await makeImage(width, height, "png"), name, { type: "image/png" });
}

function b64(res: { data?: { b64_json?: string }[] }, i = 0): Buffer {
  return Buffer.from(res.data?.[i]?.b64_json as string, "base64");
}

describe("POST /v1/images/edits through the openai SDK", () => {
  it("edits one file, following its shape when no size is given", async () => {
    const res = await client.images.edit({
      model: "flux.2-max",
      prompt: "make it blue",
      image: await png(300, 200),
      response_format: "b64_json",
    });
    // 300×200 is 3:2, and FLUX.2 [max] makes 3:2 at 1254×836.
    expect(await decodeImage(b64(res))).toEqual({ format: "png", width: 1254, height: 836 });
  });

  it("takes two files sent as image[]", async () => {
    const res = await client.images.edit({
      model: "flux.2-max",
      prompt: "combine",
      image: [await png(64, 64, "a.png"), await png(80, 80, "b.png")],
      size: "256x256",
    } as OpenAI.Images.ImageEditParamsNonStreaming);
    const job = await gateway.get(`/v1/jobs/${(res as unknown as { job_id: string }).job_id}`);
    expect(job.body.operation).toBe("edit");
    expect(job.body.request.images).toEqual([
      { mime: "image/png", width: 64, height: 64, bytes: expect.any(Number) },
      { mime: "image/png", width: 80, height: 80, bytes: expect.any(Number) },
    ]);
    expect(res.size).toBe("256x256");
  });

  it("takes a mask of the first image's size, and refuses another size naming mask", async () => {
    const ok = await client.images.edit({
      prompt: "inpaint",
      image: await png(64, 64),
      mask: await png(64, 64, "mask.png"),
      size: "64x64",
      response_format: "b64_json",
    } as OpenAI.Images.ImageEditParamsNonStreaming);
    expect(await decodeImage(b64(ok))).toMatchObject({ width: 64, height: 64 });
    const err = await client.images
      .edit({ prompt: "inpaint", image: await png(64, 64), mask: await png(32, 32, "mask.png") })
      .catch((e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect(err).toMatchObject({ status: 400, param: "mask" });
    await healthy();
  });

  it("answers 202 for an async edit, then finishes it", async () => {
    const res = await client.images.edit(
      { prompt: "later", image: await png(64, 64), size: "128x128", n: 2 },
      { headers: { prefer: "respond-async" } },
    );
    const job = res as unknown as { id: string; object: string; status: string };
    expect(job.object).toBe("image.job");
    const done = await gateway.get(`/v1/jobs/${job.id}?wait=20`);
    expect(done.body.status).toBe("succeeded");
    expect(done.body.result.data).toHaveLength(2);
  });
});

describe("POST /v1/images/edits with JSON", () => {
  it("takes a data URI and OpenAI's images [{image_url}] form", async () => {
    const uri = `data:image/png;base64,${(await makeImage(40, 40)).toString("base64")}`;
    for (const body of [{ image: uri }, { images: [{ image_url: uri }] }, { image: [uri, uri] }]) {
      const res = await gateway.post("/v1/images/edits", { prompt: "p", size: "64x64", ...body });
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(1);
    }
  });

  it.each([
    ["http://127.0.0.1:1/x.png"],
    ["http://169.254.169.254/latest/meta-data/"],
    ["http://10.1.2.3/a.png"],
    ["http://[::1]/a.png"],
    ["http://localhost/a.png"],
    ["ftp://example.com/a.png"],
  ])("refuses the image URL %s with 400 naming image", async (url) => {
    const res = await gateway.post("/v1/images/edits", { prompt: "p", image: url });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_url", param: "image" });
    await healthy();
  });

  it("refuses more images than the model takes", async () => {
    const uri = `data:image/png;base64,${(await makeImage(8, 8)).toString("base64")}`;
    const res = await gateway.post("/v1/images/edits", { prompt: "p", images: Array(9).fill(uri) });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe("image");
  });
});

describe("unsafe edit inputs", () => {
  async function upload(data: Buffer, name: string) {
    const form = new FormData();
    form.append("prompt", "p");
    form.append("image", new Blob([new Uint8Array(data)]), name);
    const res = await fetch(`${gateway.baseURL}/images/edits`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.apiKey}` },
      body: form,
    });
    return { status: res.status, body: await readJson(res) };
  }

  it("refuses bytes that are not an image, whatever the file name says", async () => {
    const res = await upload(Buffer.from("%PDF-1.7 not an image at all"), "photo.png");
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_image", param: "image" });
    await healthy();
  });

  it("refuses a 20000×20000 PNG bomb from its header", async () => {
    const res = await upload(pngBomb(20000, 20000), "bomb.png");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/400000000 pixels/);
    await healthy();
  });

  it("refuses a truncated image", async () => {
    const whole = await makeImage(64, 64, "jpeg");
    const res = await upload(whole.subarray(0, 200), "cut.jpg");
    expect(res.status).toBe(400);
    await healthy();
  });

  it("refuses an 80 MB upload with 413 without reading it all", async () => {
    const total = 80 * 1024 * 1024;
    const boundary = "----imagegate-test";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\np\r\n--${boundary}\r\n` +
        `Content-Disposition: form-data; name="image"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
    );
    for (const declareLength of [true, false]) {
      const result = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
        let sent = 0;
        const req = request(`${gateway.baseURL}/images/edits`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${gateway.apiKey}`,
            "content-type": `multipart/form-data; boundary=${boundary}`,
            ...(declareLength ? { "content-length": String(total) } : {}),
          },
        });
        req.on("response", (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, sent });
          req.destroy();
        });
        req.on("error", (err) => (sent > 0 ? undefined : reject(err)));
        const chunk = Buffer.alloc(256 * 1024, 7);
        const pump = () => {
          if (sent === 0) {
            req.write(head);
            sent += head.length;
          }
          while (sent < total && !req.destroyed) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once("drain", pump);
          }
          req.end();
        };
        pump();
      });
      expect(result.status).toBe(413);
      expect(result.sent).toBeLessThan(total);
    }
    await healthy();
  });
});
