/**
 * The local renderer: a deterministic picture for a prompt, seed and size —
 * a three-colour gradient with a few soft discs and stripes, all drawn from a
 * PRNG seeded by the prompt and seed — encoded as PNG with fixed settings.
 * No fonts, clocks or metadata are involved, so the bytes are reproducible.
 */
import sharp from "sharp";
import { randomColor, seededRandom } from "./prng";

/** What to render. */
export type RenderInput = { prompt: string; seed: number; width: number; height: number };

/** Fixed PNG settings: the same input must give the same bytes. */
export const LOCAL_PNG = { compressionLevel: 6, adaptiveFiltering: false } as const;

type Disc = { x: number; y: number; r2: number; color: [number, number, number]; alpha: number };

/** Renders the picture as raw RGB. */
export function renderPixels({ prompt, seed, width, height }: RenderInput): Buffer {
  const random = seededRandom("local-render", prompt, seed);
  const c0 = randomColor(random);
  const c1 = randomColor(random);
  const c2 = randomColor(random);
  const angle = random() * Math.PI * 2;
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  const discs: Disc[] = Array.from({ length: 5 }, () => {
    const r = (0.08 + random() * 0.25) * Math.min(width, height);
    return {
      x: random() * width,
      y: random() * height,
      r2: r * r,
      color: randomColor(random),
      alpha: 0.35 + random() * 0.4,
    };
  });
  const stripePeriod = Math.max(4, Math.round((0.05 + random() * 0.1) * Math.max(width, height)));
  const stripeShade = 0.85 + random() * 0.1;
  const out = Buffer.alloc(width * height * 3);
  const span = Math.abs(dx) * width + Math.abs(dy) * height || 1;
  let i = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Position along the gradient direction, 0..1, picks a blend of the three colours.
      const t =
        ((dx >= 0 ? x : width - x) * Math.abs(dx) + (dy >= 0 ? y : height - y) * Math.abs(dy)) /
        span;
      const a = t < 0.5 ? c0 : c1;
      const b = t < 0.5 ? c1 : c2;
      const u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
      let r = a[0] * (1 - u) + b[0] * u;
      let g = a[1] * (1 - u) + b[1] * u;
      let bl = a[2] * (1 - u) + b[2] * u;
      for (const d of discs) {
        const ddx = x - d.x;
        const ddy = y - d.y;
        if (ddx * ddx + ddy * ddy < d.r2) {
          r += (d.color[0] - r) * d.alpha;
          g += (d.color[1] - g) * d.alpha;
          bl += (d.color[2] - bl) * d.alpha;
        }
      }
      if (Math.floor((x + y) / stripePeriod) % 2 === 0) {
        r *= stripeShade;
        g *= stripeShade;
        bl *= stripeShade;
      }
      out[i++] = r;
      out[i++] = g;
      out[i++] = bl;
    }
  }
  return out;
}

/** Renders the picture as PNG bytes at exactly width×height. */
export async function renderImage(input: RenderInput): Promise<Buffer> {
  const raw = renderPixels(input);
  return sharp(raw, { raw: { width: input.width, height: input.height, channels: 3 } })
    .png(LOCAL_PNG)
    .toBuffer();
}
