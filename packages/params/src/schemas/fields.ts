/**
 * Field schemas that accept both JSON values and the strings a multipart form
 * carries (the OpenAI SDK sends `n` as "2" in edits), without accepting junk:
 * "abc" is still an error naming the field.
 */
import { z } from "zod";

/** An integer in [min, max], given as a number or a decimal string. */
export function intField(min: number, max: number) {
  return z.preprocess(
    (v) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
    z.number().int().min(min).max(max),
  );
}

/** A boolean, given as true/false or "true"/"false". */
export const boolField = z.preprocess(
  (v) => (v === "true" ? true : v === "false" ? false : v),
  z.boolean(),
);

/** A non-empty string. */
export const textField = z.string().trim().min(1);

/** An http(s) URL. */
export const httpUrlField = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), { message: "must be an http(s) URL" });
