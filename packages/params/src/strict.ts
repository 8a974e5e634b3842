/**
 * The `strict` refusal
 * (docs/architecture.md#parameters-and-the-applied-report): a request that
 * would be coerced — a ratio snapped, a tier changed, a parameter overridden or
 * dropped — is answered 400 `parameter_coerced`, naming the parameter in
 * `param` and saying what would have happened instead.
 */
import { GatewayError } from "./errors";
import type { Coercion } from "./resolve/size";

/** Throws the 400 `strict` answers for `coercion`, when there is one. */
export function refuseCoercion(coercion: Coercion | undefined, provider?: string): void {
  if (!coercion) return;
  const on = provider ? ` on ${provider}` : "";
  const what =
    coercion.kind === "dropped"
      ? `'${coercion.param}' would not be applied${on}`
      : coercion.kind === "overridden"
        ? `'${coercion.param}' ${coercion.requested} would be overridden by ${coercion.applied}${on}`
        : `${coercion.param} '${coercion.requested}' would become '${coercion.applied}'${on}`;
  throw GatewayError.invalidRequest(
    coercion.param,
    `strict: ${what} (${coercion.reason}).`,
    "parameter_coerced",
  );
}
