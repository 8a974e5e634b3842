/** One autocannon run against a POST endpoint: requests/s of 2xx answers. */
import autocannon from "autocannon";

/** Options of a load run. */
export type LoadOptions = {
  url: string;
  body: unknown;
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
};

/** Mean 2xx requests per second, with the p99 latency in ms. */
export async function postLoad(
  options: LoadOptions,
): Promise<{ rps: number; p99Ms: number; errors: number }> {
  const result = await autocannon({
    url: options.url,
    method: "POST",
    connections: options.connections,
    duration: options.durationS,
    headers: { "content-type": "application/json", ...options.headers },
    body: JSON.stringify(options.body),
  });
  const ok = result["2xx"];
  return {
    rps: ok / options.durationS,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}
