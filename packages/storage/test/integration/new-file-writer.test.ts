import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createFsStore,
  createOffThreadWriter,
  type NewFileWriter,
  syncNewFileWriter,
} from "@imagegate/storage";

let dir: string;
const writers: NewFileWriter[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "new-file-writer-"));
});

afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.close()));
  rmSync(dir, { recursive: true, force: true });
});

function offThread(offload?: () => boolean): NewFileWriter {
  const writer = createOffThreadWriter(offload ? { offload } : {});
  writers.push(writer);
  return writer;
}

describe.each([
  ["synchronously", () => syncNewFileWriter],
  ["in its thread", () => offThread()],
])("a small new file written %s", (_name, make) => {
  it("holds exactly the body's bytes, its directory made when missing", async () => {
    // A small Buffer views Node's shared pool: only its own bytes may reach the file.
    const body = Buffer.from("\x89PNG fox");
    expect(body.buffer.byteLength).toBeGreaterThan(body.length);
    const target = join(dir, "jobs", "ab", "job_1-0.png");
    await expect(Promise.resolve(make().write(target, body))).resolves.toBe(true);
    expect(readFileSync(target)).toEqual(body);
  });

  it("is refused, untouched, when the file exists already", async () => {
    const target = join(dir, "taken.png");
    writeFileSync(target, "first");
    await expect(Promise.resolve(make().write(target, Buffer.from("second")))).resolves.toBe(false);
    expect(readFileSync(target, "utf8")).toBe("first");
  });

  it("fails with the system's code when its directory cannot be made", async () => {
    writeFileSync(join(dir, "plain-file"), "x");
    const target = join(dir, "plain-file", "sub", "a.png");
    await expect((async () => make().write(target, Buffer.from("x")))()).rejects.toMatchObject({
      code: "ENOTDIR",
    });
    expect(readdirSync(dir)).toEqual(["plain-file"]);
  });
});

describe("the off-thread writer", () => {
  it("writes synchronously on this thread when offload() says no", () => {
    const writer = offThread(() => false);
    const target = join(dir, "here.png");
    // A boolean, not a promise: the write happened before the call returned.
    expect(writer.write(target, Buffer.from("here"))).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("here");
  });

  it("asks offload() at every write", async () => {
    let calls = 0;
    const writer = offThread(() => ++calls % 2 === 0);
    const first = writer.write(join(dir, "1.png"), Buffer.from("1"));
    const second = writer.write(join(dir, "2.png"), Buffer.from("2"));
    expect(first).toBe(true);
    expect(second).toBeInstanceOf(Promise);
    await expect(second).resolves.toBe(true);
    expect(calls).toBe(2);
  });

  it("keeps many writes in flight apart, and close() waits for them", async () => {
    const writer = createOffThreadWriter();
    const bodies = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1000 + i, i));
    const writes = bodies.map((b, i) => writer.write(join(dir, "many", `${i}.png`), b));
    await writer.close();
    await expect(Promise.all(writes)).resolves.toEqual(bodies.map(() => true));
    expect(bodies.map((_, i) => readFileSync(join(dir, "many", `${i}.png`)))).toEqual(bodies);
  });

  it("writes synchronously once closed", async () => {
    const writer = createOffThreadWriter();
    await writer.close();
    expect(writer.write(join(dir, "after.png"), Buffer.from("after"))).toBe(true);
  });

  it("is what the filesystem store writes its small new objects with", async () => {
    const targets: string[] = [];
    const thread = offThread();
    const store = createFsStore({
      dir,
      publicBaseUrl: "http://localhost:8080",
      signingSecret: "k",
      newFiles: {
        write: (target, body) => {
          targets.push(target);
          return thread.write(target, body);
        },
        close: () => thread.close(),
      },
    });
    const png = Buffer.from("png bytes");
    await expect(store.put("jobs/xy/job_2-0.png", png, "image/png")).resolves.toEqual({
      key: "jobs/xy/job_2-0.png",
      bytes: png.length,
      contentType: "image/png",
    });
    expect(targets).toEqual([join(dir, "jobs", "xy", "job_2-0.png")]);
    expect(readFileSync(join(dir, "jobs", "xy", "job_2-0.png"))).toEqual(png);
    // A second put of the same key replaces it through a temp file, as before.
    await store.put("jobs/xy/job_2-0.png", Buffer.from("new"), "image/png");
    expect(readFileSync(join(dir, "jobs", "xy", "job_2-0.png"), "utf8")).toBe("new");
  });
});
