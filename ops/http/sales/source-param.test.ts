import { describe, expect, it } from 'vitest';
import { parseSourceParam } from './source-param.js';

const parse = (q: string) => parseSourceParam(new URLSearchParams(q));

describe('the source parameter', () => {
  it('star by default; star or history when given', () => {
    expect(parse('')).toEqual({ ok: true, source: 'star' });
    expect(parse('source=&year=2020')).toEqual({ ok: true, source: 'star' });
    expect(parse('source=star')).toEqual({ ok: true, source: 'star' });
    expect(parse('source=history')).toEqual({ ok: true, source: 'history' });
  });

  it('anything else is refused with the accepted values; repeats too', () => {
    expect(parse('source=History')).toEqual({
      ok: false,
      error: 'source must be star or history, not "History"',
    });
    expect(parse(`source=${'x'.repeat(60)}`)).toEqual({
      ok: false,
      error: `source must be star or history, not "${'x'.repeat(40)}…"`,
    });
    expect(parse('source=star&source=history')).toEqual({
      ok: false,
      error: 'source is given more than once',
    });
  });
});
