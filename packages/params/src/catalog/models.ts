/**
 * The model catalog. FLUX.2 [max]'s sizes are the seed's table verbatim;
 * [pro] and [flex] use the same ratios at three tiers computed by the seed's
 * rule (`tier-sizes.ts`). Every FLUX.2 model is served by BFL, fal, Replicate,
 * an OpenAI-compatible upstream and the local renderer, in that default order.
 */
import { flux2Routes } from "./flux2-routes";
import { sizeTable } from "./tier-sizes";
import type { ModelEntry, ResolutionTier } from "./types";

const K = 1024 * 1024;
/** FLUX.2's pixel budget: 4 MP (2048 × 2048), BFL's largest output. */
const FLUX2_PIXEL_BUDGET = 4 * K;
/** The nine aspect ratios every FLUX.2 model offers. */
const FLUX2_RATIOS = ["1:1", "4:3", "3:4", "5:4", "4:5", "3:2", "2:3", "16:9", "9:16"] as const;
const TIER_05K: ResolutionTier = { name: "0.5K", pixels: K / 4 };
const TIER_1K: ResolutionTier = { name: "1K", pixels: K };
const TIER_2K: ResolutionTier = { name: "2K", pixels: 4 * K };

const common = {
  ownedBy: "black-forest-labs",
  operations: ["generation", "edit"] as const,
  ratios: FLUX2_RATIOS,
  defaultRatio: "1:1",
  defaultTier: "1K",
  maxSide: 14142,
  pixelBudget: FLUX2_PIXEL_BUDGET,
  maxInputImages: 8,
};

export const FLUX2_MAX: ModelEntry = {
  ...common,
  id: "flux.2-max",
  name: "FLUX.2 [max]",
  description:
    "Black Forest Labs' flagship model: highest quality, realism and consistency for text-to-image and image editing.",
  tiers: [TIER_1K],
  sizes: {
    "1K": {
      "4:3": [1183, 887],
      "4:5": [916, 1145],
      "5:4": [1145, 916],
      "1:1": [1024, 1024],
      "3:4": [887, 1182],
      "2:3": [836, 1254],
      "3:2": [1254, 836],
      "9:16": [768, 1365],
      "16:9": [1365, 768],
    },
  },
  routes: flux2Routes({
    bfl: "flux-2-max",
    fal: "fal-ai/flux-2-max",
    replicate: "black-forest-labs/flux-2-max",
    openai: "flux.2-max",
  }),
};

const THREE_TIERS = [TIER_05K, TIER_1K, TIER_2K];

export const FLUX2_PRO: ModelEntry = {
  ...common,
  id: "flux.2-pro",
  name: "FLUX.2 [pro]",
  description: "FLUX.2 [pro]: production quality at lower cost and latency than [max].",
  tiers: THREE_TIERS,
  sizes: sizeTable(THREE_TIERS, FLUX2_RATIOS, FLUX2_PIXEL_BUDGET),
  routes: flux2Routes({
    bfl: "flux-2-pro",
    fal: "fal-ai/flux-2-pro",
    replicate: "black-forest-labs/flux-2-pro",
    openai: "flux.2-pro",
  }),
};

export const FLUX2_FLEX: ModelEntry = {
  ...common,
  id: "flux.2-flex",
  name: "FLUX.2 [flex]",
  description: "FLUX.2 [flex]: adjustable steps and guidance, strong at typography.",
  tiers: THREE_TIERS,
  sizes: sizeTable(THREE_TIERS, FLUX2_RATIOS, FLUX2_PIXEL_BUDGET),
  routes: flux2Routes({
    bfl: "flux-2-flex",
    fal: "fal-ai/flux-2-flex",
    replicate: "black-forest-labs/flux-2-flex",
    openai: "flux.2-flex",
  }),
};

/** Every model, by id. */
export const MODELS: readonly ModelEntry[] = [FLUX2_MAX, FLUX2_PRO, FLUX2_FLEX];

/** The model used when a request names none. */
export const DEFAULT_MODEL_ID = "flux.2-max";

/** The catalog entry for `id`, or undefined. */
export function findModel(id: string): ModelEntry | undefined {
  return MODELS.find((m) => m.id === id);
}
