/**
 * Replicate predictions (docs/providers.md#replicate-endpoints and
 * docs/providers.md#replicate-polling), parsed rather than trusted.
 */
import { z } from "zod";

export const ReplicatePredictionSchema = z
  .object({
    id: z.string().min(1),
    status: z.string(),
    // FLUX.2 returns one URL string; other models return arrays.
    output: z.union([z.string(), z.array(z.string())]).nullish(),
    error: z.unknown().nullish(),
    urls: z.object({ get: z.string(), cancel: z.string().optional() }).loose(),
    input: z.record(z.string(), z.unknown()).nullish(),
    logs: z.string().nullish(),
  })
  .loose();
export type ReplicatePrediction = z.infer<typeof ReplicatePredictionSchema>;
