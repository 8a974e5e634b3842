/**
 * fal queue replies (docs/providers.md#fal-endpoints and
 * docs/providers.md#fal-polling), parsed rather than trusted.
 */
import { z } from "zod";

/** Submit → the request id and the URLs to use verbatim. */
export const FalSubmitSchema = z
  .object({
    request_id: z.string().min(1),
    status_url: z.string().min(1),
    response_url: z.string().min(1),
    cancel_url: z.string().min(1),
    status: z.string().optional(),
    queue_position: z.number().nullish(),
  })
  .loose();

/** `GET status_url` → IN_QUEUE | IN_PROGRESS | COMPLETED. */
export const FalStatusSchema = z
  .object({ status: z.string(), queue_position: z.number().nullish() })
  .loose();

/** `GET response_url` → the model's output (FLUX.2: images + seed). */
export const FalOutputSchema = z
  .object({
    images: z
      .array(z.object({ url: z.string(), content_type: z.string().nullish() }).loose())
      .min(1),
    seed: z.number().nullish(),
    prompt: z.string().nullish(),
  })
  .loose();
export type FalOutput = z.infer<typeof FalOutputSchema>;
