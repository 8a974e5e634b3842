/**
 * A value fetched from a provider and kept for `ttlMs` (fal's JWKS, Replicate's
 * webhook secret). `refresh()` fetches again at most once per `minRefreshMs`,
 * for a callback that does not verify with the cached value (a rotated key).
 */
export function createCachedSource<T>(options: {
  load: () => Promise<T>;
  ttlMs: number;
  minRefreshMs: number;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  let value: { data: T; at: number } | undefined;
  let loading: Promise<T> | undefined;
  const load = () => {
    loading ??= options
      .load()
      .then((data) => {
        value = { data, at: now() };
        return data;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };
  return {
    /** The cached value, loaded when missing or older than the TTL. */
    async get(): Promise<T> {
      if (value && now() - value.at < options.ttlMs) return value.data;
      return load();
    },
    /** Loads again unless it was loaded within `minRefreshMs`; true when it did. */
    async refresh(): Promise<boolean> {
      if (value && now() - value.at < options.minRefreshMs) return false;
      await load();
      return true;
    },
  };
}
