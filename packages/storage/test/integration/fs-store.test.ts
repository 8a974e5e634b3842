import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  BlobNotFoundError,
  type BlobStore,
  createFsStore,
  UnsafeKeyError,
  verifySignedPath,
} from "@imagegate/storage";

let dir: string;
let store: BlobStore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "fs-store-"));
  store = createFsStore({
    dir,
    publicBaseUrl: "http://localhost:8080",
    signingSecret: "k",
    now: () => 1_000_000,
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let out = "";
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

describe("fs BlobStore", () => {
  it("puts a Buffer and reads it back with its type", async () => {
    const info = await store.put("jobs/j1/0.png", Buffer.from("png-bytes"), "image/png");
    expect(info).toEqual({ key: "jobs/j1/0.png", bytes: 9, contentType: "image/png" });
    expect((await store.get("jobs/j1/0.png")).toString()).toBe("png-bytes");
    expect(await store.head("jobs/j1/0.png")).toEqual(info);
  });

  it("streams a Readable in and out", async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `{"i":${i}}\n`);
    await store.put("files/f.jsonl", Readable.from(lines), "application/jsonl");
    const { stream, info } = await store.getStream("files/f.jsonl");
    expect(info.bytes).toBe(lines.join("").length);
    expect(await text(stream)).toBe(lines.join(""));
  });

  it("overwrites on a second put", async () => {
    await store.put("jobs/j2/0.png", Buffer.from("one"), "image/png");
    await store.put("jobs/j2/0.png", Buffer.from("second"), "image/webp");
    expect((await store.get("jobs/j2/0.png")).toString()).toBe("second");
    expect((await store.head("jobs/j2/0.png"))?.contentType).toBe("image/webp");
  });

  it("deletes, and treats absent objects as absent", async () => {
    await store.put("jobs/j3/0.png", Buffer.from("x"), "image/png");
    await store.delete("jobs/j3/0.png");
    await store.delete("jobs/j3/0.png");
    expect(await store.head("jobs/j3/0.png")).toBeNull();
    await expect(store.get("jobs/j3/0.png")).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.getStream("jobs/j3/0.png")).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it.each(["../escape", "/etc/passwd", "a/../../b"])("refuses the unsafe key %s", async (key) => {
    await expect(store.put(key, Buffer.from("x"), "text/plain")).rejects.toBeInstanceOf(
      UnsafeKeyError,
    );
    await expect(store.get(key)).rejects.toBeInstanceOf(UnsafeKeyError);
  });

  it("hands out signed links that verify", async () => {
    const url = new URL(await store.signedUrl("jobs/j1/0.png", { ttlSeconds: 60 }));
    expect(url.pathname).toBe("/files/jobs/j1/0.png");
    const verdict = verifySignedPath({
      key: "jobs/j1/0.png",
      expires: url.searchParams.get("expires") ?? "",
      signature: url.searchParams.get("signature") ?? "",
      secret: "k",
      nowMs: 1_000_000,
    });
    expect(verdict).toBe("ok");
  });

  it("passes its readiness check", async () => {
    await expect(store.check()).resolves.toBeUndefined();
  });
});
