/**
 * CLI settings: flags win over IMAGEGATE_URL / IMAGEGATE_API_KEY, which win
 * over the defaults (a local `pnpm start`). Parsed once, like the server's config.
 */
import { z } from "zod";

const SettingsSchema = z.object({
  url: z.string().url().default("http://localhost:8080"),
  apiKey: z.string().optional(),
});

/** Where the gateway is and how to authenticate. */
export type Settings = { url: string; apiKey: string | undefined };

/** Settings from flags, then the environment given. */
export function loadSettings(
  flags: { url?: string; apiKey?: string },
  env: Record<string, string | undefined>,
): Settings {
  const parsed = SettingsSchema.safeParse({
    url: flags.url ?? env.IMAGEGATE_URL ?? undefined,
    apiKey: flags.apiKey ?? env.IMAGEGATE_API_KEY ?? undefined,
  });
  if (!parsed.success) {
    throw new Error(
      `Invalid gateway URL (--url or IMAGEGATE_URL): ${parsed.error.issues[0]?.message}`,
    );
  }
  return { url: parsed.data.url.replace(/\/+$/, ""), apiKey: parsed.data.apiKey };
}
