/**
 * BFL replies (docs/providers.md#bfl-endpoints and
 * docs/providers.md#bfl-polling), parsed rather than trusted.
 */
import { z } from "zod";

/** `POST /v1/<model>` → the task and where to poll it. */
export const BflSubmitSchema = z
  .object({
    id: z.string().min(1),
    // Absent when the submit named a webhook_url: the reply is then {id, status, webhook_url}.
    polling_url: z.string().min(1).nullish(),
    cost: z.number().nullish(),
  })
  .loose();

/** `GET polling_url` → the task's state. */
export const BflResultSchema = z
  .object({
    id: z.string().nullish(),
    status: z.string(),
    result: z
      .object({
        sample: z.string().nullish(),
        seed: z.number().nullish(),
        prompt: z.string().nullish(),
      })
      .loose()
      .nullish(),
    progress: z.number().nullish(),
    details: z.unknown().nullish(),
  })
  .loose();
export type BflResult = z.infer<typeof BflResultSchema>;
