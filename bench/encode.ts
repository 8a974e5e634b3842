/**
 * Encoding cost: the worker's post-process of a 1 MP image into each output
 * format with the chosen encoder settings (median of 5), on photo-like content
 * (blurred gaussian noise, which compresses like a photograph) — the local
 * renderer's flat picture would flatter every encoder. The source is a JPEG,
 * as BFL and fal return by default.
 */
import { makeNoisyImage } from "@imagegate/testkit";
import sharp from "sharp";
import { postProcess } from "../apps/worker/src/pipeline/post-process";
import type { BenchResult } from "./types";

const RUNS = 5;

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)] ?? 0;
}

/** Runs the encode bench with libvips threads as the worker sets them. */
export async function run(): Promise<BenchResult[]> {
  // What BFL and fal return by default: JPEG, so every target format is a real conversion.
  const photo = await sharp(await makeNoisyImage(1024, 1024))
    .jpeg({ quality: 95 })
    .toBuffer();
  const results: BenchResult[] = [];
  for (const threads of [1, 2]) {
    sharp.concurrency(threads);
    for (const format of ["png", "jpeg", "webp", "avif", "gif"] as const) {
      // jpeg → jpeg at another quality, so it is re-encoded too.
      const output = { format, compression: format === "jpeg" ? 85 : undefined };
      const ms = await median(() => postProcess(photo, { width: 1024, height: 1024 }, output));
      results.push({
        name: `encode.${format}.threads${threads}`,
        value: Math.round(ms),
        unit: "ms",
        note:
          format === "gif" ? "1024x1024 photo-like, 16 colours dithered" : "1024x1024 photo-like",
      });
    }
    // GIF_COLOURS=256: the faithful palette, for the operator who prefers it to speed.
    const ms = await median(() =>
      postProcess(photo, { width: 1024, height: 1024 }, { format: "gif" }, { gifColours: 256 }),
    );
    results.push({
      name: `encode.gif256.threads${threads}`,
      value: Math.round(ms),
      unit: "ms",
      note: "1024x1024 photo-like, GIF_COLOURS=256",
    });
  }
  // A covering shape cropped to the exact target (BFL 1376x768 → 1365x768) then WebP.
  const cover = await sharp(photo)
    .resize(1376, 768, { fit: "fill" })
    .png({ compressionLevel: 1 })
    .toBuffer();
  const cropMs = await median(() =>
    postProcess(cover, { width: 1365, height: 768 }, { format: "webp" }),
  );
  results.push({
    name: "encode.crop_webp.threads2",
    value: Math.round(cropMs),
    unit: "ms",
    note: "1376x768 → 1365x768",
  });
  return results;
}
