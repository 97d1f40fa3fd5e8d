import { describe, expect, it } from 'vitest';
import { createCachedValue } from './cached.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createCachedValue', () => {
  it('the first callers share one call and wait for it', async () => {
    let calls = 0;
    const d = deferred<string>();
    const get = createCachedValue(
      () => {
        calls++;
        return d.promise;
      },
      5_000,
      () => 1_000,
    );
    const a = get();
    const b = get();
    d.resolve('v1');
    expect(await a).toEqual({ value: 'v1', at: 1_000 });
    expect(await b).toEqual({ value: 'v1', at: 1_000 });
    expect(calls).toBe(1);
  });

  it('serves the cached value within the TTL, then the stale one while refreshing in the background', async () => {
    let t = 0;
    let n = 0;
    const pending: Array<ReturnType<typeof deferred<number>>> = [];
    const get = createCachedValue(
      () => {
        n++;
        const d = deferred<number>();
        pending.push(d);
        return d.promise;
      },
      5_000,
      () => t,
    );
    const first = get();
    pending[0]!.resolve(1);
    expect((await first).value).toBe(1);
    t = 4_999;
    expect((await get()).value).toBe(1);
    expect(n).toBe(1);
    t = 5_000;
    // stale: answered at once with the old value; one refresh starts
    expect(await get()).toEqual({ value: 1, at: 0 });
    expect(await get()).toEqual({ value: 1, at: 0 });
    expect(n).toBe(2);
    pending[1]!.resolve(2);
    await pending[1]!.promise;
    await new Promise((r) => setTimeout(r, 0));
    expect(await get()).toEqual({ value: 2, at: 5_000 });
  });

  it('a failed refresh keeps the last value with the error; a failed first call rejects', async () => {
    let t = 0;
    let fail = false;
    const get = createCachedValue(
      async () => {
        if (fail) throw new Error('boom');
        return 'ok';
      },
      1_000,
      () => t,
    );
    expect((await get()).value).toBe('ok');
    fail = true;
    t = 2_000;
    await get();
    await new Promise((r) => setTimeout(r, 0));
    expect(await get()).toEqual({ value: 'ok', at: 0, error: 'boom' });

    const never = createCachedValue(async () => {
      throw new Error('down');
    }, 1_000);
    await expect(never()).rejects.toThrow('down');
  });
});
