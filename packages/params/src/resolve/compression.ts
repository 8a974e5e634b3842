/**
 * Compression fields against the output format. `output_compression` (and
 * its Replicate-style alias `output_quality`) only means something for lossy
 * encodings; with png or gif it is not applied, and when both are given
 * `output_compression` wins. Either way the caller is told (no silent
 * coercion), whatever provider runs the job.
 */
import type { OutputFormat } from "../schemas/common";
import type { Coercion } from "./size";

/** Encodings that take a quality. */
export const LOSSY_FORMATS: ReadonlySet<OutputFormat> = new Set(["jpeg", "webp", "avif"]);

/** The compression fields of a request. */
export type CompressionRequest = {
  output_format: OutputFormat;
  output_compression?: number | undefined;
  output_quality?: number | undefined;
};

/** Coercions of the compression fields: dropped for lossless formats, output_quality overridden. */
export function compressionCoercions(req: CompressionRequest): Coercion[] {
  const fields = (["output_compression", "output_quality"] as const).filter(
    (param) => req[param] !== undefined,
  );
  if (!LOSSY_FORMATS.has(req.output_format)) {
    return fields.map((param) => ({
      param,
      requested: String(req[param]),
      applied: "(not applied)",
      reason: `${req.output_format} is lossless; ${param} applies to jpeg, webp and avif`,
      kind: "dropped",
    }));
  }
  if (fields.length === 2 && req.output_quality !== req.output_compression) {
    return [
      {
        param: "output_quality",
        requested: String(req.output_quality),
        applied: String(req.output_compression),
        reason: "output_compression is given and takes precedence",
        kind: "overridden",
      },
    ];
  }
  return [];
}
