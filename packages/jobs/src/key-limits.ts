/**
 * A managed key's limits (docs/architecture.md#tenants), pure: requests per
 * minute on the submit endpoints, a budget in USD, and the models it may use.
 * Each is null when unlimited. PATCH merges: a field given replaces (null
 * clears it), a field left out is kept.
 */
import { findModel, GatewayError } from "@imagegate/params";
import { z } from "zod";

const Rpm = z.number().int().min(1).max(1_000_000);
const BudgetUsd = z.number().min(0).max(1_000_000_000);
const Models = z
  .array(z.string().min(1))
  .min(1)
  .max(100)
  .superRefine((ids, ctx) => {
    for (const [i, id] of ids.entries()) {
      if (!findModel(id))
        ctx.addIssue({ code: "custom", path: [i], message: `unknown model '${id}'` });
    }
  });

/** Limits as an admin sends them: every field optional, null = unlimited. */
export const KeyLimitsInputSchema = z
  .object({
    requests_per_minute: Rpm.nullable().optional(),
    budget_usd: BudgetUsd.nullable().optional(),
    models: Models.nullable().optional(),
  })
  .strict();
export type KeyLimitsInput = z.infer<typeof KeyLimitsInputSchema>;

/** Limits as stored and shown: every field present. */
export const KeyLimitsSchema = z.object({
  requests_per_minute: Rpm.nullable(),
  budget_usd: BudgetUsd.nullable(),
  models: z.array(z.string()).nullable(),
});
export type KeyLimits = z.infer<typeof KeyLimitsSchema>;

/** No limits at all (static keys, auth off). */
export const NO_LIMITS: KeyLimits = { requests_per_minute: null, budget_usd: null, models: null };

/** `current` with the fields `patch` names replaced. */
export function mergeLimits(current: KeyLimits, patch: KeyLimitsInput | undefined): KeyLimits {
  if (!patch) return current;
  return {
    requests_per_minute:
      patch.requests_per_minute === undefined
        ? current.requests_per_minute
        : patch.requests_per_minute,
    budget_usd: patch.budget_usd === undefined ? current.budget_usd : patch.budget_usd,
    models: patch.models === undefined ? current.models : patch.models,
  };
}

/** `POST /admin/keys` body. */
export const CreateKeySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    limits: KeyLimitsInputSchema.optional(),
  })
  .strict();

/** `PATCH /admin/keys/{id}` body. */
export const UpdateKeySchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    limits: KeyLimitsInputSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .strict();
export type UpdateKey = z.infer<typeof UpdateKeySchema>;

/** True when `limits` lets its key use `model`. */
export function allowsModel(limits: KeyLimits, model: string): boolean {
  return limits.models === null || limits.models.includes(model);
}

/** 403 `model_not_allowed` unless `limits` lets its key use `model`. */
export function assertModelAllowed(limits: KeyLimits, model: string): void {
  if (!allowsModel(limits, model)) {
    throw new GatewayError(
      "model_not_allowed",
      `This API key may not use model '${model}' (allowed: ${limits.models?.join(", ")}).`,
      "model",
    );
  }
}
