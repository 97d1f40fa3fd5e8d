import { describe, expect, it } from 'vitest';
import { boundedRequests } from './processor.js';

const msg = (n: number) => ({ key: Buffer.alloc(1), value: Buffer.alloc(n - 1, n % 256) });

describe('boundedRequests', () => {
  it('splits into requests under the byte bound, keeping every topic in order', () => {
    const a = [msg(300), msg(300), msg(300)];
    const b = [msg(200), msg(500)];
    const requests = boundedRequests(
      new Map([
        ['a', a],
        ['b', b],
      ]),
      700,
    );
    for (const r of requests)
      expect(
        r.flatMap((t) => t.messages).reduce((s, m) => s + m.key.length + m.value.length, 0),
      ).toBeLessThanOrEqual(700);
    const flat = (t: string) =>
      requests.flatMap((r) => r.filter((x) => x.topic === t).flatMap((x) => x.messages));
    expect(flat('a')).toEqual(a);
    expect(flat('b')).toEqual(b);
  });

  it('sends a single message larger than the bound alone rather than dropping it', () => {
    const big = msg(2000);
    expect(boundedRequests(new Map([['a', [msg(10), big, msg(10)]]]), 100)).toEqual([
      [{ topic: 'a', messages: [msg(10)] }],
      [{ topic: 'a', messages: [big] }],
      [{ topic: 'a', messages: [msg(10)] }],
    ]);
  });
});
