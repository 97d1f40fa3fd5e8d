import { describe, expect, it } from 'vitest';
import { describeSelection, EVERY_LETTER, matches } from './select.js';

describe('selection of dead letters', () => {
  const l = (code: string, sourceTopic: string | null) => ({ code, sourceTopic });

  it('takes everything without a filter', () => {
    expect(matches(EVERY_LETTER, l('A', null))).toBe(true);
    expect(describeSelection(EVERY_LETTER)).toBe('every dead letter');
  });

  it('matches any of the codes and any of the topics, both when both are given', () => {
    const s = { codes: ['A', 'B'], topics: ['t1'] };
    expect(matches(s, l('A', 't1'))).toBe(true);
    expect(matches(s, l('B', 't1'))).toBe(true);
    expect(matches(s, l('C', 't1'))).toBe(false);
    expect(matches(s, l('A', 't2'))).toBe(false);
    expect(matches(s, l('A', null))).toBe(false);
    expect(describeSelection(s)).toBe('code A or B, source topic t1');
  });
});
