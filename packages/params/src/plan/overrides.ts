/**
 * Fields the caller gave that the gateway overwrites. The gateway writes the
 * provider's size, format, prompt and reference fields itself; a passthrough
 * field or an unknown extra landing on one of those names (fal's
 * `image_size`, BFL's `input_image` in an edit, …) would otherwise vanish
 * without a word. Each one becomes an `overridden` coercion.
 */
import type { ParamHandling } from "../catalog/types";
import type { Coercion } from "../resolve/size";

/** A field of the caller's, where it lands in the provider's body. */
export type SentField = { param: string; field: string; value: unknown };

/** A body path without the provider's body root (`input.seed` → `seed` on Replicate). */
export function stripRoot(path: string, bodyRoot: string | undefined): string {
  const prefix = bodyRoot ? `${bodyRoot}.` : "";
  return prefix && path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** The body field `handling` sends a parameter to (without the body root), or null. */
export function landingField(
  name: string,
  handling: ParamHandling,
  bodyRoot: string | undefined,
): string | null {
  if (handling.kind === "passthrough") return name;
  return handling.kind === "renamed" ? stripRoot(handling.to, bodyRoot) : null;
}

/** A value as a coercion quotes it (object keys sorted, so equal values quote alike). */
export function quote(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * The caller's fields that the gateway's own fields replace. `gateway` holds
 * the values the gateway writes; `gatewayNames` also names fields whose value
 * is written later by the adapter (an edit's references). A field given with
 * exactly the gateway's value is not a coercion.
 */
export function findOverrides(
  sent: readonly SentField[],
  gateway: Readonly<Record<string, unknown>>,
  gatewayNames: ReadonlySet<string>,
  bodyRoot: string | undefined,
): Coercion[] {
  const out: Coercion[] = [];
  for (const { param, field, value } of sent) {
    const known = Object.hasOwn(gateway, field) && gateway[field] !== undefined;
    if (!known && !gatewayNames.has(field)) continue;
    if (known && quote(gateway[field]) === quote(value)) continue;
    out.push({
      param,
      requested: quote(value),
      applied: known ? quote(gateway[field]) : "(the edit's input images)",
      reason: `the gateway writes ${bodyRoot ? `${bodyRoot}.` : ""}${field} itself`,
      kind: "overridden",
    });
  }
  return out;
}
