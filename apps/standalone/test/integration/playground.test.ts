/**
 * The playground in a real browser (Debian's Chromium via playwright-core)
 * against `pnpm start`: generate at 16:9 and see a 1365×768 image served by
 * `local` with its applied table; a wrong key shows the gateway's message;
 * an edit from a dropped file; the copied curl command makes the same image;
 * the page is usable by keyboard and labelled. After every test: no request
 * left the gateway's origin and the page threw nothing.
 * With PLAYGROUND_SCREENSHOTS=<dir>, the README's screenshots are written there.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { makeImage } from "@imagegate/testkit";
import type { Browser } from "playwright-core";
import { foreignRequests, launchChromium, openPage, type WatchedPage } from "./browser";
import { type StandaloneProcess, startStandalone } from "./standalone-process";

/*
 * Callbacks given to page.evaluate run in the browser. This package is
 * type-checked without the DOM lib (it clashes with Node's fetch types), so
 * the few DOM shapes they use are declared here, for this file only.
 */
type Node = {
  id: string;
  textContent: string | null;
  offsetParent: unknown;
  labels?: ArrayLike<Node> | null;
  children: ArrayLike<Node>;
  nextElementSibling: Node | null;
  naturalWidth: number;
  naturalHeight: number;
  complete: boolean;
};
declare const document: {
  activeElement: Node | null;
  getElementById(id: string): Node | null;
  querySelector(selector: string): Node | null;
  querySelectorAll(selector: string): ArrayLike<Node>;
};
declare const window: { statuses?: string[] };
declare const navigator: { clipboard: { readText(): Promise<string> } };
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: Node, options: Record<string, boolean>): void;
}
declare class DataTransfer {
  items: { add(file: File): void };
}

const KEY = "sk-playground";
const screenshots = process.env.PLAYGROUND_SCREENSHOTS;
let gateway: StandaloneProcess;
let browser: Browser;
let watched: WatchedPage;

beforeAll(async () => {
  // Assigned one by one: a browser that fails to start must not leave the gateway unstopped.
  const starting = startStandalone({ API_KEYS: KEY }).then((g) => {
    gateway = g;
  });
  const [launched] = await Promise.allSettled([launchChromium(), starting]);
  await starting;
  if (launched.status === "rejected") throw launched.reason;
  browser = launched.value;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

beforeEach(async () => {
  watched = await openPage(browser, gateway.url);
});

afterEach(async () => {
  const { requests, errors, context } = watched;
  await context.close();
  expect(foreignRequests(requests, gateway.url)).toEqual([]);
  expect(errors).toEqual([]);
});

async function open(key = KEY) {
  const { page } = watched;
  await page.goto(`${gateway.url}/`);
  expect(new URL(page.url()).pathname).toBe("/playground");
  await page.getByLabel("API key").fill(key);
  await page.getByLabel("API key").press("Tab");
  return page;
}

async function shot(name: string) {
  if (screenshots) await watched.page.screenshot({ path: join(screenshots, name), fullPage: true });
}

const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe("the playground", () => {
  it("generates at 16:9: a 1365×768 image served by local, with the applied table and history", async () => {
    const page = await open();
    await page.evaluate(() => {
      const seen: string[] = [];
      window.statuses = seen;
      const status = document.getElementById("status") as Node;
      new MutationObserver(() => seen.push(status.textContent ?? "")).observe(status, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    await page.getByLabel("Prompt").fill("a lighthouse at dusk");
    await page.getByLabel("Size or aspect ratio").fill("16:9");
    await page.getByLabel("Seed").fill("7");
    await page.getByRole("button", { name: "Generate" }).click();

    const image = page.locator("#images-out img");
    await image.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector("#images-out img");
      return !!img && img.complete && img.naturalWidth > 0;
    });
    const natural = await image.evaluate((img: Node) => [img.naturalWidth, img.naturalHeight]);
    expect(natural).toEqual([1365, 768]);
    await expect(page.locator("figcaption").first().textContent()).resolves.toBe(
      "1365x768 · png · seed 7 · served by local",
    );
    const statuses = await page.evaluate(
      () => (window as unknown as { statuses: string[] }).statuses,
    );
    expect(statuses[0]).toBe("Submitting…");
    expect(statuses).toContainEqual(expect.stringMatching(/^Queued/));
    expect(statuses.at(-1)).toMatch(/^Succeeded in \d+ s · served by local$/);

    const summary = await page
      .locator("#applied-summary dt")
      .evaluateAll((dts) =>
        (dts as unknown as Node[]).map((dt) => [
          dt.textContent,
          dt.nextElementSibling?.textContent,
        ]),
      );
    expect(summary).toContainEqual(["Provider", "local (model local)"]);
    expect(summary).toContainEqual(["Size", "1365x768 (ratio 16:9 → 16:9, resolution auto → 1K)"]);
    const rows = await page
      .locator("#applied tbody tr")
      .evaluateAll((trs) =>
        (trs as unknown as Node[]).map((tr) => Array.from(tr.children, (td) => td.textContent)),
      );
    // `size: "16:9"` is a ratio: the row says how it became the model's pixels.
    expect(rows).toContainEqual([
      "size",
      "converted",
      "rendered at the model's size for the ratio and tier → width = 1365, height = 768",
    ]);
    expect(rows).toContainEqual(["seed", "passthrough", "sent as seed = 7"]);
    expect(rows).toContainEqual([
      "n",
      "emulated",
      "one upstream call per image, in parallel (seeds seed, seed+1, …)",
    ]);

    await page.locator("#history button").first().waitFor();
    expect(await page.locator("#history li").count()).toBe(1);
    await expect(page.locator("#history button").first().textContent()).resolves.toMatch(
      /succeeded\s*a lighthouse at dusk \(1365x768\)/,
    );
    await shot("playground.png");

    // The copied curl command makes the same image (the renderer is deterministic).
    await page.getByRole("button", { name: "Copy as curl" }).click();
    await page.getByText("Copied the curl command.").waitFor();
    const command = await page.evaluate(() => navigator.clipboard.readText());
    expect(command).toContain(`curl -s ${gateway.url}/v1/images/generations`);
    const { stdout } = await promisify(execFile)("bash", ["-c", command], {
      env: { ...process.env, IMAGEGATE_API_KEY: KEY },
    });
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({ size: "1365x768", provider: "local" });
    const fromCurl = Buffer.from(await (await fetch(answer.data[0].url)).arrayBuffer());
    const src = (await image.getAttribute("src")) as string;
    const fromPage = Buffer.from(await (await fetch(src)).arrayBuffer());
    expect(sha(fromCurl)).toBe(sha(fromPage));

    // After a reload, the history shows the job again and loads its parameters.
    await page.reload();
    await page.locator("#history button").first().click();
    await page.waitForFunction(() => !!document.querySelector("#images-out img")?.naturalWidth);
    expect(await image.evaluate((img: Node) => [img.naturalWidth, img.naturalHeight])).toEqual([
      1365, 768,
    ]);
    expect(await page.getByLabel("Prompt").inputValue()).toBe("a lighthouse at dusk");
    expect(await page.getByLabel("Size or aspect ratio").inputValue()).toBe("16:9");
    expect(await page.getByLabel("Seed").inputValue()).toBe("7");
  });

  it("shows the gateway's message for a wrong API key", async () => {
    const page = await open("sk-wrong");
    const alert = page.getByRole("alert");
    // Loading the models with the typed key already fails.
    await alert.getByText("Incorrect API key provided.", { exact: true }).waitFor();
    await page.getByLabel("Prompt").fill("a lighthouse at dusk");
    await page.getByRole("button", { name: "Generate" }).click();
    await page.getByText("Refused (HTTP 401)").waitFor();
    await expect(alert.textContent()).resolves.toBe("Incorrect API key provided.");
    expect(await alert.isVisible()).toBe(true);
    expect(await page.locator("#images-out img").count()).toBe(0);
    await shot("playground-error.png");
  });

  it("edits an image dropped on the page", async () => {
    const page = await open();
    const png = (await makeImage(64, 48)).toString("base64");
    const transfer = await page.evaluateHandle((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], "photo.png", { type: "image/png" }));
      return data;
    }, png);
    await page.dispatchEvent("#drop", "drop", { dataTransfer: transfer });
    await expect(page.locator("#image-list li").textContent()).resolves.toMatch(
      /^photo\.png \(1 KB\)/,
    );
    await expect(page.locator("#code-curl").textContent()).resolves.toContain(
      `-F 'image=@"photo.png"'`,
    );
    await page.getByLabel("Prompt").fill("make it blue");
    await page.getByLabel("Output format").selectOption("webp");
    await page.getByRole("button", { name: "Generate (edit)" }).click();
    await page.waitForFunction(() => !!document.querySelector("#images-out img")?.naturalWidth);
    // Without a size, an edit follows its first image's shape (4:3 on FLUX.2 [max]).
    await expect(page.locator("figcaption").first().textContent()).resolves.toMatch(
      /^1183x887 · webp · seed \d+ · served by local$/,
    );
  });

  it("is labelled and usable from the keyboard", async () => {
    const page = await open();
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll("input, select, textarea"))
        .filter(
          (el) =>
            !Array.from(el.labels ?? []).some(
              (l) => l.offsetParent !== null && l.textContent?.trim(),
            ),
        )
        .map((el) => el.id),
    );
    expect(unlabelled).toEqual([]);
    const labels = await page.locator("form label").allInnerTexts();
    expect(labels).toEqual(
      expect.arrayContaining([
        "API key",
        "Prompt",
        "Model",
        "Size or aspect ratio",
        "Resolution",
        "Output format",
        "n (images)",
        "Seed",
        "Images to edit (optional)",
      ]),
    );
    // Tab from the key reaches the prompt; Ctrl+Enter there generates.
    await page.getByLabel("API key").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("prompt");
    await page.keyboard.type("a keyboard lighthouse");
    await page.keyboard.press("Control+Enter");
    await page.waitForFunction(() => !!document.querySelector("#images-out img")?.naturalWidth);
    await expect(page.locator("#status").textContent()).resolves.toMatch(/^Succeeded/);
  });

  it("serves the page and its assets without a key, under a same-origin policy", async () => {
    const root = await fetch(`${gateway.url}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("/playground");
    const page = await fetch(`${gateway.url}/playground`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("connect-src 'self'");
    const script = await fetch(`${gateway.url}/playground/assets/main.js`);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    const missing = await fetch(`${gateway.url}/playground/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");
    // The API itself still wants the key.
    expect((await fetch(`${gateway.url}/v1/models`)).status).toBe(401);
  });
});
