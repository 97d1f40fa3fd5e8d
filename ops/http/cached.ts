/**
 * A value that is slow to get (the health checks: up to their timeout each), cached for `ttlMs`. Callers
 * share one call in flight. Once the value is older than the TTL, the next caller gets it at once and
 * starts a refresh in the background (stale-while-revalidate), so a page polling every 2 s is never held up
 * by a check that is timing out; only the very first caller waits. A refresh that fails keeps the last value
 * and reports the error with it.
 */
export interface Cached<T> {
  value: T;
  /** when the value was obtained (ms since the epoch) */
  at: number;
  /** the message of the last refresh's error, when the last refresh failed */
  error?: string;
}

export function createCachedValue<T>(
  get: () => Promise<T>,
  ttlMs: number,
  now: () => number = Date.now,
): () => Promise<Cached<T>> {
  let last: Cached<T> | undefined;
  let inFlight: Promise<Cached<T>> | undefined;

  const refresh = (): Promise<Cached<T>> => {
    inFlight ??= get()
      .then(
        (value) => {
          last = { value, at: now() };
          return last;
        },
        (e: unknown) => {
          const error = e instanceof Error ? e.message : String(e);
          if (last === undefined) throw e;
          last = { ...last, error };
          return last;
        },
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return async () => {
    if (last === undefined) return refresh();
    if (now() - last.at >= ttlMs) void refresh().catch(() => undefined);
    return last;
  };
}
