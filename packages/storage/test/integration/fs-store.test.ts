import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  BlobNotFoundError,
  type BlobStore,
  createBlobStore,
  createConfiguredBlobStore,
  createFsStore,
  UnsafeKeyError,
  verifySignedPath,
} from "@imagegate/storage";

let dir: string;
let store: BlobStore;
const nowMs = 1_000_000;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "fs-store-"));
  store = createFsStore({
    dir,
    publicBaseUrl: "http://localhost:8080",
    signingSecret: "k",
    now: () => nowMs,
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function text(stream: Readable): Promise<string> {
  let out = "";
  for await (const chunk of stream) out += String(chunk);
  return out;
}

/** A body that sends some bytes, then fails, like a client that hangs up mid-upload. */
function failingBody(): Readable {
  return new Readable({
    read() {
      this.push("partial");
      this.destroy(new Error("client went away"));
    },
  });
}

describe("fs BlobStore", () => {
  it("puts a Buffer and reads it back with its type", async () => {
    const info = await store.put("jobs/j1/0.png", Buffer.from("png-bytes"), "image/png");
    expect(info).toEqual({ key: "jobs/j1/0.png", bytes: 9, contentType: "image/png" });
    expect((await store.get("jobs/j1/0.png")).toString()).toBe("png-bytes");
    expect(await store.head("jobs/j1/0.png")).toEqual(info);
  });

  it("streams a Readable in and out", async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `{"custom_id":"${i}"}\n`);
    const info = await store.put("files/f.jsonl", Readable.from(lines), "application/jsonl");
    expect(info.bytes).toBe(lines.join("").length);
    const { stream, info: read } = await store.getStream("files/f.jsonl");
    expect(read).toEqual(info);
    expect(await text(stream)).toBe(lines.join(""));
  });

  it("overwrites on a second put, type included", async () => {
    await store.put("jobs/j2/0.png", Buffer.from("one"), "image/png");
    await store.put("jobs/j2/0.png", Buffer.from("second"), "image/webp");
    expect((await store.get("jobs/j2/0.png")).toString()).toBe("second");
    expect(await store.head("jobs/j2/0.png")).toMatchObject({
      bytes: 6,
      contentType: "image/webp",
    });
  });

  it("keeps the previous object when a streamed write fails, and leaves no temp file", async () => {
    await store.put("jobs/j4/0.png", Buffer.from("good"), "image/png");
    await expect(store.put("jobs/j4/0.png", failingBody(), "text/plain")).rejects.toThrow(
      "client went away",
    );
    expect((await store.get("jobs/j4/0.png")).toString()).toBe("good");
    expect((await store.head("jobs/j4/0.png"))?.contentType).toBe("image/png");
    // The extension says image/png: no sidecar, and no temp file left.
    expect(readdirSync(join(dir, "jobs/j4")).sort()).toEqual(["0.png"]);
  });

  it("serves the bytes it opened even if the object is overwritten mid-read", async () => {
    await store.put("jobs/j5/0.png", Buffer.from("original"), "image/png");
    const { stream, info } = await store.getStream("jobs/j5/0.png");
    await store.put("jobs/j5/0.png", Buffer.from("replaced!!"), "image/png");
    expect(info.bytes).toBe(8);
    expect(await text(stream)).toBe("original");
  });

  it("types a file without a sidecar by its extension, else as bytes", async () => {
    await store.put("jobs/j6/0.png", Buffer.from("x"), "image/png");
    expect(readdirSync(join(dir, "jobs/j6"))).toEqual(["0.png"]);
    writeFileSync(join(dir, "jobs/j6/copied.bin"), "by hand");
    writeFileSync(join(dir, "jobs/j6/copied.webp"), "by hand");
    expect(await store.head("jobs/j6/0.png")).toMatchObject({ contentType: "image/png" });
    expect(await store.head("jobs/j6/copied.webp")).toMatchObject({ contentType: "image/webp" });
    expect(await store.head("jobs/j6/copied.bin")).toEqual({
      key: "jobs/j6/copied.bin",
      bytes: 7,
      contentType: "application/octet-stream",
    });
  });

  it("keeps a type that differs from the extension in a sidecar, and drops it when they agree again", async () => {
    await store.put("jobs/j7/0.png", Buffer.from("x"), "image/webp");
    expect(await store.head("jobs/j7/0.png")).toMatchObject({ contentType: "image/webp" });
    await store.put("jobs/j7/0.png", Buffer.from("y"), "image/png");
    expect(await store.head("jobs/j7/0.png")).toMatchObject({ contentType: "image/png" });
    expect(readdirSync(join(dir, "jobs/j7"))).toEqual(["0.png"]);
  });

  it.each([
    ["a small Buffer", Buffer.from("small")],
    ["a large Buffer", Buffer.alloc(300 * 1024, 7)],
  ])("writes %s as a new file in a shared directory, and replaces it whole", async (_l, body) => {
    await store.put("jobs/sh/job_a-0.png", Buffer.from("neighbour"), "image/png");
    await store.put("jobs/sh/job_b-0.png", body, "image/png");
    expect(await store.get("jobs/sh/job_b-0.png")).toEqual(body);
    await store.put("jobs/sh/job_b-0.png", Buffer.from("again"), "image/png");
    expect((await store.get("jobs/sh/job_b-0.png")).toString()).toBe("again");
    // No temp file or sidecar left beside them, the neighbour untouched.
    expect(readdirSync(join(dir, "jobs/sh")).sort()).toEqual(["job_a-0.png", "job_b-0.png"]);
    expect((await store.get("jobs/sh/job_a-0.png")).toString()).toBe("neighbour");
    await store.delete("jobs/sh/job_b-0.png");
  });

  it("makes a missing directory, also when it was removed after its first write", async () => {
    await store.put("jobs/gone/job_c-0.png", Buffer.from("one"), "image/png");
    rmSync(join(dir, "jobs/gone"), { recursive: true });
    await store.put("jobs/gone/job_c-0.png", Buffer.from("two"), "image/png");
    expect((await store.get("jobs/gone/job_c-0.png")).toString()).toBe("two");
  });

  it("types a key deleted and written again by its new put, never by an old sidecar", async () => {
    await store.put("jobs/sc/job_d-0.png", Buffer.from("x"), "image/webp");
    await store.delete("jobs/sc/job_d-0.png");
    expect(readdirSync(join(dir, "jobs/sc"))).toEqual([]);
    await store.put("jobs/sc/job_d-0.png", Buffer.from("y"), "image/png");
    expect(await store.head("jobs/sc/job_d-0.png")).toMatchObject({ contentType: "image/png" });
  });

  it("deletes, and treats absent objects as absent", async () => {
    await store.put("jobs/j3/0.png", Buffer.from("x"), "image/png");
    await store.delete("jobs/j3/0.png");
    await store.delete("jobs/j3/0.png");
    expect(readdirSync(join(dir, "jobs/j3"))).toEqual([]);
    expect(await store.head("jobs/j3/0.png")).toBeNull();
    await expect(store.get("jobs/j3/0.png")).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.getStream("jobs/j3/0.png")).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it.each([
    ["a directory", "jobs/j1"],
    ["a path through a file", "jobs/j1/0.png/x"],
  ])("reports a key naming %s as absent", async (_label, key) => {
    expect(await store.head(key)).toBeNull();
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.getStream(key)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it.each(["../escape", "/etc/passwd", "a/../../b", "a\\b", "jobs/.0.png.meta.json", ""])(
    "refuses the unsafe key %j in every method",
    async (key) => {
      await expect(store.put(key, Buffer.from("x"), "text/plain")).rejects.toBeInstanceOf(
        UnsafeKeyError,
      );
      await expect(store.get(key)).rejects.toBeInstanceOf(UnsafeKeyError);
      await expect(store.getStream(key)).rejects.toBeInstanceOf(UnsafeKeyError);
      await expect(store.head(key)).rejects.toBeInstanceOf(UnsafeKeyError);
      await expect(store.delete(key)).rejects.toBeInstanceOf(UnsafeKeyError);
      await expect(store.signedUrl(key, { ttlSeconds: 60 })).rejects.toBeInstanceOf(UnsafeKeyError);
    },
  );

  it("hands out signed links that verify, download name included", async () => {
    const url = new URL(
      await store.signedUrl("files/f.jsonl", { ttlSeconds: 60, filename: "out.jsonl" }),
    );
    expect(url.origin).toBe("http://localhost:8080");
    expect(url.pathname).toBe("/files/files/f.jsonl");
    const presented = {
      key: "files/f.jsonl",
      expires: url.searchParams.get("expires") ?? "",
      signature: url.searchParams.get("signature") ?? "",
      filename: url.searchParams.get("filename") ?? undefined,
      secret: "k",
    };
    expect(verifySignedPath({ ...presented, nowMs })).toBe("ok");
    expect(verifySignedPath({ ...presented, nowMs: nowMs + 61_000 })).toBe("expired");
  });

  it("creates a missing root in its readiness check, and leaves nothing behind", async () => {
    const root = join(dir, "later/root");
    const fresh = createBlobStore({
      driver: "fs",
      dir: root,
      publicBaseUrl: "http://h",
      signingSecret: "k",
    });
    expect(fresh.driver).toBe("fs");
    await expect(fresh.check()).resolves.toBeUndefined();
    expect(readdirSync(root)).toEqual([]);
  });

  it("is what the configured settings make, links from the given base and secret", async () => {
    const configured = createConfiguredBlobStore(
      { driver: "fs", dir: join(dir, "configured") },
      { publicBaseUrl: "http://gateway.example", signingSecret: "s" },
    );
    expect(configured.driver).toBe("fs");
    await configured.put("jobs/a.png", Buffer.from("png"), "image/png");
    const url = new URL(await configured.signedUrl("jobs/a.png", { ttlSeconds: 60 }));
    expect(url.origin).toBe("http://gateway.example");
    const presented = {
      key: "jobs/a.png",
      expires: url.searchParams.get("expires") ?? "",
      signature: url.searchParams.get("signature") ?? "",
      nowMs: Date.now(),
    };
    expect(verifySignedPath({ ...presented, secret: "s" })).toBe("ok");
    expect(verifySignedPath({ ...presented, secret: "other" })).not.toBe("ok");
  });

  it("fails its readiness check when the root cannot be a directory", async () => {
    writeFileSync(join(dir, "a-file"), "");
    const broken = createFsStore({
      dir: join(dir, "a-file/root"),
      publicBaseUrl: "http://h",
      signingSecret: "k",
    });
    await expect(broken.check()).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});
