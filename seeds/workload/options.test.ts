import { describe, expect, it } from 'vitest';
import { DEFAULT_MIX } from './mix.js';
import { parseLoadArgs } from './options.js';

describe('parseLoadArgs', () => {
  it('gives defaults for the optional settings', () => {
    expect(parseLoadArgs({ rate: '200', duration: '3' })).toEqual({
      rate: 200,
      durationS: 3,
      seed: 1,
      mix: DEFAULT_MIX,
      txnSize: 1,
    });
  });

  it('lists every bad option at once', () => {
    expect(() => parseLoadArgs({ rate: 'fast', seed: '-3', txnSize: '0', mix: 'x=1' })).toThrow(
      /--rate "fast" is not a positive number[\s\S]*--duration is required[\s\S]*--seed "-3"[\s\S]*--txn-size "0" is not an integer of at least 1[\s\S]*unknown kind "x"/,
    );
  });

  it('refuses a run of zero changes', () => {
    expect(() => parseLoadArgs({ rate: '0.1', duration: '1' })).toThrow(/makes no change at all/);
  });
});
