/**
 * The price table (PROVIDERS_FILE `price`, docs/providers.md#prices): what one
 * image costs on a provider and model, as the sum of a per-image part, a
 * per-output-megapixel part and a per-input-megapixel part (edits). Built-in
 * defaults follow the providers' published FLUX.2 prices; PROVIDERS_FILE's
 * `providers.<id>.price` replaces a provider's defaults for every model. An
 * OpenAI-compatible upstream and the `local` renderer cost 0 unless priced.
 * Pure: amounts are computed in integer micro-dollars so sums never drift.
 */
import type { NormalizedRequest, ProviderId } from "@imagegate/params";
import { z } from "zod";
import { toMicros } from "./budget";
import type { UpstreamTaskEntry } from "./records";

/** One price; every part is summed per image. */
export const PriceSchema = z
  .object({
    /** Per image (a run), whatever its size. @defaultValue 0 */
    per_image_usd: z.number().min(0).max(1000).default(0),
    /** Per megapixel (1024 × 1024 pixels) of each output image. @defaultValue 0 */
    per_megapixel_usd: z.number().min(0).max(1000).default(0),
    /** Per megapixel of an edit's input images, charged once per output image. @defaultValue 0 */
    per_input_megapixel_usd: z.number().min(0).max(1000).default(0),
    /** Output megapixels billed at least (BFL and fal bill the first megapixel whole). @defaultValue 0 */
    min_megapixels: z.number().min(0).max(64).default(0),
  })
  .strict();
export type Price = z.infer<typeof PriceSchema>;

/** A megapixel as the catalog's 1K tier and fal count it. */
export const MEGAPIXEL = 1024 * 1024;

const FREE: Price = {
  per_image_usd: 0,
  per_megapixel_usd: 0,
  per_input_megapixel_usd: 0,
  min_megapixels: 0,
};

/** A price from its parts, in PriceSchema's order. */
function price(perImage: number, perMp: number, perInputMp: number, minMp: number): Price {
  return {
    per_image_usd: perImage,
    per_megapixel_usd: perMp,
    per_input_megapixel_usd: perInputMp,
    min_megapixels: minMp,
  };
}

/**
 * Published FLUX.2 prices (USD), read 2026. BFL and fal bill "X for the first
 * output megapixel, Y for each further output or input one", which is
 * (X − Y) per image + Y per megapixel with at least one megapixel: [max]
 * 7¢ + 3¢, [pro] 3¢ + 1.5¢, [flex] 5¢ per megapixel. Replicate bills [max]
 * $0.04 a run + $0.03 per input and output megapixel, [pro] $0.015 each;
 * its [flex] price is not published, so BFL's is assumed.
 * These are estimates: BFL reports each task's real cost, which then wins.
 */
const FLUX2_FIRST_MEGAPIXEL: Readonly<Record<string, Price>> = {
  "flux.2-max": price(0.04, 0.03, 0.03, 1),
  "flux.2-pro": price(0.015, 0.015, 0.015, 1),
  "flux.2-flex": price(0, 0.05, 0.05, 1),
};

/** Built-in prices per provider and model; a model not listed costs 0. */
export const DEFAULT_PRICES: Record<ProviderId, Readonly<Record<string, Price>>> = {
  bfl: FLUX2_FIRST_MEGAPIXEL,
  fal: FLUX2_FIRST_MEGAPIXEL,
  replicate: {
    "flux.2-max": price(0.04, 0.03, 0.03, 0),
    "flux.2-pro": price(0.015, 0.015, 0.015, 0),
    "flux.2-flex": price(0, 0.05, 0.05, 0),
  },
  openai: {},
  local: {},
};

/** The prices in force: each provider's override (from PROVIDERS_FILE) or its defaults. */
export type PriceTable = { overrides: Partial<Record<ProviderId, Price>> };

/** The price of one image of `model` on `provider`. */
export function priceOf(table: PriceTable, provider: ProviderId, model: string): Price {
  return table.overrides[provider] ?? DEFAULT_PRICES[provider][model] ?? FREE;
}

/** Megapixels of a width × height. */
export function megapixels(width: number, height: number): number {
  return (width * height) / MEGAPIXEL;
}

/** Megapixels of an edit's input images (0 for a generation; the mask is not billed). */
export function inputMegapixels(request: Pick<NormalizedRequest, "images">): number {
  return (request.images ?? []).reduce((sum, i) => sum + megapixels(i.width, i.height), 0);
}

/** What one image costs, in micro-dollars. */
export function imageCostMicros(price: Price, outputMegapixels: number, inputMp: number): number {
  return toMicros(
    price.per_image_usd +
      price.per_megapixel_usd * Math.max(price.min_megapixels, outputMegapixels) +
      price.per_input_megapixel_usd * inputMp,
  );
}

/**
 * The estimate held at submit, in micro-dollars: `n` images at the requested
 * size on the dearest provider of the job's provider order, since failover may land there.
 */
export function estimateJobMicros(
  table: PriceTable,
  request: Pick<NormalizedRequest, "n" | "size" | "images" | "model">,
  providerOrder: readonly ProviderId[],
): number {
  const out = megapixels(request.size.width, request.size.height);
  const input = inputMegapixels(request);
  const unit = Math.max(
    0,
    ...providerOrder.map((p) => imageCostMicros(priceOf(table, p, request.model), out, input)),
  );
  return unit * request.n;
}

/** Where an actual cost came from. */
export type CostSource = "provider" | "price_table" | "mixed";

/** What a succeeded job cost. */
export type ActualCost = { micros: number; source: CostSource };

/** What `actualCostMicros` reads of a succeeded job. */
export type CostInput = {
  provider: ProviderId;
  model: string;
  /** The delivered images (all one size). */
  images: readonly { width: number; height: number }[];
  inputMegapixels: number;
  /** The job's ledger. */
  tasks: readonly UpstreamTaskEntry[];
};

/**
 * The actual cost of a succeeded job: the provider's reported cost for each
 * delivered task that has one (BFL), the price table for the images of the
 * others (an upstream without a ledger entry, like `local`, is all price table).
 */
export function actualCost(table: PriceTable, input: CostInput): ActualCost {
  const count = input.images.length;
  const first = input.images[0];
  const unit = first
    ? imageCostMicros(
        priceOf(table, input.provider, input.model),
        megapixels(first.width, first.height),
        input.inputMegapixels,
      )
    : 0;
  const delivered = input.tasks.filter(
    (t) => t.provider === input.provider && t.state === "succeeded",
  );
  const reported = delivered.filter((t) => t.cost_usd !== null);
  if (delivered.length === 0 || reported.length === 0) {
    return { micros: unit * count, source: "price_table" };
  }
  const perTask = count / delivered.length;
  const uncovered = Math.max(0, count - reported.length * perTask);
  const micros =
    reported.reduce((sum, t) => sum + toMicros(t.cost_usd ?? 0), 0) + Math.round(unit * uncovered);
  return { micros, source: reported.length === delivered.length ? "provider" : "mixed" };
}
