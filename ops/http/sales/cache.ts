/*
 * A short cache of query results per key (a year, a category filter): while a value is younger than the TTL
 * every caller gets it; after that the next callers share one refresh and wait for it (the queries take
 * milliseconds to a few hundred, so unlike the health page's stale-while-revalidate (cached.ts) the page
 * never shows data older than the TTL plus one query). Many browsers polling with the same filters cost one
 * query per key per TTL. A failed refresh is not cached: its callers get the error, the next caller retries.
 * At most `maxKeys` keys are kept (the least recently refreshed goes first).
 */
/** A cached value and when it was read. */
export interface Fresh<T> {
  value: T;
  /** when the value was read (ms since the epoch) */
  at: number;
}

/** A per-key getter over `get`, with the caching described above. */
export function createKeyedCache<T>(
  get: (key: string) => Promise<T>,
  ttlMs: number,
  maxKeys = 64,
  now: () => number = Date.now,
): (key: string) => Promise<Fresh<T>> {
  const values = new Map<string, Fresh<T>>();
  const inFlight = new Map<string, Promise<Fresh<T>>>();

  return (key) => {
    const last = values.get(key);
    if (last !== undefined && now() - last.at < ttlMs) return Promise.resolve(last);
    const running = inFlight.get(key);
    if (running !== undefined) return running;
    // The time is taken before the query: the value is at least as fresh as that.
    const started = now();
    const refresh = get(key)
      .then((value) => {
        const fresh = { value, at: started };
        values.delete(key);
        values.set(key, fresh);
        while (values.size > maxKeys) values.delete(values.keys().next().value as string);
        return fresh;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, refresh);
    return refresh;
  };
}
