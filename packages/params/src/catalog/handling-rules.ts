/**
 * Building blocks of the per-provider parameter tables: the handlings every
 * provider shares (what the gateway itself does with a parameter) and
 * `nestIn`, which spells a table for a provider that nests its fields in one
 * object (Replicate's `input`), so `GET /v1/models/{id}` shows the real paths.
 */
import type { HandlingFallback, ParamRule } from "./types";

/** Sent as-is under the same name. */
export const pass: ParamRule = { kind: "passthrough" };

/** `n` on providers that make one image per call. */
export const fanOut: ParamRule = {
  kind: "emulated",
  note: "one upstream call per image, in parallel (seeds seed, seed+1, …)",
};

/** The gateway encodes lossy formats itself at the asked quality. */
export const gatewayEncodes: ParamRule = {
  kind: "emulated",
  note: "the gateway encodes jpeg, webp and avif at this quality",
};

/** When the gateway re-encodes, a native quality field is not what applies. */
export const reencodedFallback: HandlingFallback = {
  kind: "emulated",
  when: "the gateway encodes the image itself (a format the provider lacks, or a cropped shape)",
  note: "the gateway encodes at this quality",
};

/** Formats the provider cannot make are converted by the gateway. */
export function convertedFormats(lacking: string): HandlingFallback {
  return {
    kind: "emulated",
    when: `${lacking}, or the gateway re-encodes anyway (cropped lossy output, a quality the provider cannot apply)`,
    note: "the provider is asked for png and the gateway encodes the requested format",
  };
}

/** An exact `WxH` the provider cannot make: a covering shape, then a crop. */
export function coverAndCrop(constraint: string): HandlingFallback {
  return {
    kind: "emulated",
    when: constraint,
    note: "the provider is asked for the nearest valid shape covering the size, and the gateway crops to the exact pixels",
  };
}

/** A parameter the provider has no use for. */
export function dropped(note: string): ParamRule {
  return { kind: "dropped", note };
}

/** Parameters the gateway itself consumes, the same for every provider. */
export const GATEWAY_PARAMS: Record<string, ParamRule> = {
  response_format: {
    kind: "emulated",
    note: "the gateway stores the image and returns a signed URL or base64",
  },
  webhook_url: {
    kind: "emulated",
    note: "the gateway delivers a signed webhook when the job ends",
  },
  metadata: { kind: "emulated", note: "kept on the job, never sent upstream" },
  strict: { kind: "emulated", note: "the gateway refuses any coercion before anything runs" },
};

function nestRule(root: string, name: string, rule: ParamRule): ParamRule {
  switch (rule.kind) {
    case "passthrough":
      return { ...rule, kind: "renamed", to: `${root}.${name}` };
    case "renamed":
      return { ...rule, to: `${root}.${rule.to}` };
    case "converted":
      return { ...rule, to: rule.to.map((field) => `${root}.${field}`) };
    default:
      return rule;
  }
}

/**
 * The table of a provider whose body nests every field in `root`: a field
 * sent under its own name is really renamed to `root.name` (the seed calls
 * Replicate's `input.prompt` a rename), and converted fields live in `root`.
 * Parameters the gateway consumes (emulated, dropped) are unchanged.
 */
export function nestIn(
  root: string,
  table: Readonly<Record<string, ParamRule>>,
): Record<string, ParamRule> {
  return Object.fromEntries(
    Object.entries(table).map(([name, rule]) => [name, nestRule(root, name, rule)]),
  );
}
