/**
 * CLI settings: flags win over IMAGEGATE_URL / IMAGEGATE_API_KEY, which win
 * over the defaults (a local `pnpm start`). Parsed once, like the server's config.
 */
import { z } from "zod";

const SettingsSchema = z.object({
  url: z.string().url().default("http://localhost:8080"),
  apiKey: z.string().optional(),
  retries: z.coerce.number().int().min(0).max(20).default(4),
});

/** Where the gateway is, how to authenticate, and how often to retry. */
export type Settings = {
  url: string;
  apiKey: string | undefined;
  /** Retries of a failed request (connection errors, 5xx). @defaultValue 4 */
  retries: number;
};

/** The global flags that settings come from. */
export type SettingsFlags = { url?: string; apiKey?: string; retries?: string | number };

/** Settings from flags, then the environment given. */
export function loadSettings(
  flags: SettingsFlags,
  env: Record<string, string | undefined>,
): Settings {
  const parsed = SettingsSchema.safeParse({
    url: flags.url ?? env.IMAGEGATE_URL ?? undefined,
    apiKey: flags.apiKey ?? env.IMAGEGATE_API_KEY ?? undefined,
    retries: flags.retries ?? undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const what =
      issue?.path[0] === "retries"
        ? "--retries (0-20)"
        : "Invalid gateway URL (--url or IMAGEGATE_URL)";
    throw new Error(`${what}: ${issue?.message}`);
  }
  return {
    url: parsed.data.url.replace(/\/+$/, ""),
    apiKey: parsed.data.apiKey,
    retries: parsed.data.retries,
  };
}
