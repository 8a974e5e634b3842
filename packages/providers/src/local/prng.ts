/**
 * A seeded PRNG for the local renderer: SHA-256 of the inputs seeds
 * mulberry32, so the same prompt and seed always draw the same picture and
 * any change of either draws a different one.
 */
import { createHash } from "node:crypto";

/** A function returning floats in [0, 1). */
export type Random = () => number;

/** A PRNG seeded from the text parts given. */
export function seededRandom(...parts: (string | number)[]): Random {
  const digest = createHash("sha256").update(parts.join("\u0000")).digest();
  let state = digest.readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An RGB colour from the PRNG, kept away from black and white so shapes stay visible. */
export function randomColor(random: Random): [number, number, number] {
  return [30 + random() * 195, 30 + random() * 195, 30 + random() * 195];
}
