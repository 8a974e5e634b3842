// @ts-check
/**
 * The `applied` report (docs/architecture.md#parameters-and-the-applied-report)
 * as the page shows it: a summary (provider, size and how it was reached,
 * format, seeds) and a table row per parameter — passed through, renamed,
 * converted, emulated, dropped — plus a row per coercion. Pure.
 */

/**
 * @typedef {{ kind: string; to?: string | string[]; note?: string }} Handling
 * @typedef {{ param: string; requested: string; applied: string; reason: string }} Coercion
 * @typedef {{ provider?: string; native_model?: string;
 *   size?: { width: number; height: number; source?: string; exact?: boolean;
 *     aspect_ratio?: { requested: string | null; applied: string };
 *     resolution?: { requested: string | null; applied: string };
 *     ignored?: string[]; upstream?: { width: number; height: number } | null };
 *   output_format?: { requested: string; upstream: string; converted: boolean };
 *   native?: Record<string, unknown>; seeds?: (number | null)[];
 *   parameters?: Record<string, Handling>; coerced?: Coercion[] }} Applied
 * @typedef {{ parameter: string; handling: string; detail: string }} AppliedRow
 */

/**
 * The detail of one parameter's handling, with the native value sent when there is one.
 * @param {string} param
 * @param {Handling} handling
 * @param {Record<string, unknown>} native
 */
function detailOf(param, handling, native) {
  const sent = (/** @type {string} */ name) =>
    name in native ? ` = ${JSON.stringify(native[name])}` : "";
  switch (handling.kind) {
    case "passthrough":
      return `sent as ${param}${sent(param)}`;
    case "renamed": {
      const to = String(handling.to);
      return `sent as ${to}${sent(to)}`;
    }
    case "converted": {
      const to = Array.isArray(handling.to) ? handling.to : [String(handling.to)];
      const values = to.map((name) => `${name}${sent(name)}`).join(", ");
      return `${handling.note ?? "converted"} → ${values}`;
    }
    default:
      return handling.note ?? "";
  }
}

/**
 * One row per parameter, then one per coercion.
 * @param {Applied} applied
 * @returns {AppliedRow[]}
 */
export function appliedRows(applied) {
  const native = applied.native ?? {};
  const rows = Object.entries(applied.parameters ?? {}).map(([parameter, handling]) => ({
    parameter,
    handling: handling.kind,
    detail: detailOf(parameter, handling, native),
  }));
  for (const c of applied.coerced ?? []) {
    rows.push({
      parameter: c.param,
      handling: "coerced",
      detail: `${c.requested} → ${c.applied} (${c.reason})`,
    });
  }
  return rows;
}

/**
 * The summary lines above the table, as label/value pairs.
 * @param {Applied} applied
 * @returns {[string, string][]}
 */
export function appliedSummary(applied) {
  /** @type {[string, string][]} */
  const out = [];
  if (applied.provider) {
    const model = applied.native_model ? ` (model ${applied.native_model})` : "";
    out.push(["Provider", `${applied.provider}${model}`]);
  }
  const size = applied.size;
  if (size) {
    const how = [];
    if (size.exact) how.push("exact size");
    if (size.aspect_ratio)
      how.push(`ratio ${size.aspect_ratio.requested ?? "default"} → ${size.aspect_ratio.applied}`);
    if (size.resolution)
      how.push(`resolution ${size.resolution.requested ?? "auto"} → ${size.resolution.applied}`);
    out.push(["Size", `${size.width}x${size.height}${how.length ? ` (${how.join(", ")})` : ""}`]);
    if (
      size.upstream &&
      (size.upstream.width !== size.width || size.upstream.height !== size.height)
    )
      out.push(["Asked upstream", `${size.upstream.width}x${size.upstream.height}, then resized`]);
    if (size.ignored?.length) out.push(["Ignored", size.ignored.join(", ")]);
  }
  const format = applied.output_format;
  if (format) {
    const note = format.converted ? ` (made as ${format.upstream}, converted by the gateway)` : "";
    out.push(["Output format", `${format.requested}${note}`]);
  }
  if (applied.seeds?.length)
    out.push(["Seeds", applied.seeds.map((s) => String(s ?? "random")).join(", ")]);
  return out;
}
