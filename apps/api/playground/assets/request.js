// @ts-check
/**
 * The request the playground sends, from the form's values: only what the
 * user set (the gateway's defaults do the rest), so the request shown and
 * copied is the smallest one that does the same. Pure.
 */

/**
 * The form's values, as typed.
 * @typedef {{ model: string; prompt: string; size: string; resolution: string;
 *   outputFormat: string; n: string; seed: string }} FormValues
 */

/**
 * An image chosen for an edit (only its name matters to the snippets).
 * @typedef {{ name: string }} NamedFile
 */

/**
 * The JSON body of a generation, or the fields of an edit.
 * @param {FormValues} values
 * @returns {Record<string, string | number>}
 */
export function buildRequest(values) {
  /** @type {Record<string, string | number>} */
  const body = { model: values.model.trim() || "flux.2-max", prompt: values.prompt.trim() };
  const size = values.size.trim();
  if (size) body.size = size;
  if (values.resolution) body.resolution = values.resolution;
  if (values.outputFormat && values.outputFormat !== "png")
    body.output_format = values.outputFormat;
  // A value that is not an integer is still sent: the gateway's 400 names the field.
  const n = values.n.trim();
  if (n && n !== "1") body.n = /^\d+$/.test(n) ? Number(n) : n;
  const seed = values.seed.trim();
  if (seed) body.seed = /^\d+$/.test(seed) ? Number(seed) : seed;
  return body;
}

/**
 * The form values that reproduce a job's request (when a history entry is chosen).
 * @param {{ model?: string; request?: { prompt?: string; n?: number; seed?: number;
 *   output_format?: string; size?: { width: number; height: number; exact: boolean;
 *   aspectRatio?: { requested: string | null }; resolution?: { requested: string | null } } } }} job
 * @returns {FormValues}
 */
export function valuesOfJob(job) {
  const request = job.request ?? {};
  const size = request.size;
  const asked = size?.exact ? `${size.width}x${size.height}` : (size?.aspectRatio?.requested ?? "");
  return {
    model: job.model ?? "flux.2-max",
    prompt: request.prompt ?? "",
    size: asked,
    resolution: size?.resolution?.requested ?? "",
    outputFormat: request.output_format ?? "png",
    n: String(request.n ?? 1),
    seed: request.seed === undefined || request.seed === null ? "" : String(request.seed),
  };
}

/**
 * The size choices of a model for the Size field: its ratios (with their
 * pixels at the first tier) and `auto`.
 * @param {{ aspect_ratios?: string[]; sizes?: Record<string, Record<string, string>> }} model
 * @returns {{ value: string; label: string }[]}
 */
export function sizeChoices(model) {
  const tiers = Object.values(model.sizes ?? {});
  const first = tiers[0] ?? {};
  const ratios = (model.aspect_ratios ?? []).map((ratio) => ({
    value: ratio,
    label: first[ratio] ? `${ratio} (${first[ratio]})` : ratio,
  }));
  return [{ value: "auto", label: "auto (the model's default)" }, ...ratios];
}
