import { describe, expect, it } from 'vitest';
import { createKeyedCache } from './cache.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createKeyedCache', () => {
  it('callers of one key share one call; the value is reused within the TTL, refreshed after it', async () => {
    let t = 1_000;
    const calls: string[] = [];
    const get = createKeyedCache(
      async (key) => {
        calls.push(key);
        return `${key}@${t}`;
      },
      1_000,
      8,
      () => t,
    );
    const [a, b] = await Promise.all([get('2020'), get('2020')]);
    expect(a).toEqual({ value: '2020@1000', at: 1_000 });
    expect(b).toBe(a);
    t = 1_999;
    expect((await get('2020')).value).toBe('2020@1000');
    expect((await get('2019')).value).toBe('2019@1999');
    t = 2_000;
    // Expired: the caller waits for the new value (never older than the TTL plus one query).
    expect(await get('2020')).toEqual({ value: '2020@2000', at: 2_000 });
    expect(calls).toEqual(['2020', '2019', '2020']);
  });

  it('waiting callers share the refresh in flight', async () => {
    const d = deferred<string>();
    let calls = 0;
    const get = createKeyedCache(
      () => {
        calls++;
        return d.promise;
      },
      1_000,
      8,
      () => 0,
    );
    const a = get('k');
    const b = get('k');
    d.resolve('v');
    expect((await a).value).toBe('v');
    expect((await b).value).toBe('v');
    expect(calls).toBe(1);
  });

  it('a failure is not cached: its callers get it, the next caller retries', async () => {
    let fail = true;
    const get = createKeyedCache(
      async () => {
        if (fail) throw new Error('warehouse down');
        return 'ok';
      },
      1_000,
      8,
      () => 0,
    );
    await expect(get('k')).rejects.toThrow('warehouse down');
    fail = false;
    expect((await get('k')).value).toBe('ok');
  });

  it('keeps at most maxKeys keys, dropping the least recently refreshed', async () => {
    let calls = 0;
    const get = createKeyedCache(
      async (key) => {
        calls++;
        return key;
      },
      1_000,
      2,
      () => 0,
    );
    await get('a');
    await get('b');
    await get('c'); // drops a
    expect(calls).toBe(3);
    await get('c');
    await get('b');
    expect(calls).toBe(3);
    await get('a');
    expect(calls).toBe(4);
  });
});
