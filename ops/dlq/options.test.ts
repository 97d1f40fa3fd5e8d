import { describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors/user-error.js';
import { optionsError, parseListOptions, parseReplayOptions, parseShowOptions } from './options.js';

describe('dlq options', () => {
  it('list: every group by default, or the given ones', () => {
    expect(parseListOptions({})).toEqual({ settings: { groups: undefined, json: false }, problems: [] });
    expect(parseListOptions({ group: ['a', 'b', 'a'], json: true })).toEqual({
      settings: { groups: ['a', 'b'], json: true },
      problems: [],
    });
    expect(parseListOptions({ group: [' '] }).problems).toEqual(['--group needs a consumer group name']);
  });

  it('show: one group, a selection and a bounded limit', () => {
    expect(parseShowOptions({ group: ['g'], code: ['A'], topic: ['t'], limit: '5' })).toEqual({
      settings: { group: 'g', selection: { codes: ['A'], topics: ['t'] }, limit: 5, json: false },
      problems: [],
    });
    expect(parseShowOptions({ group: ['g'] }).settings.limit).toBe(20);
  });

  it('show: reports every problem at once', () => {
    const { problems } = parseShowOptions({ code: [''], limit: '0' });
    expect(problems).toEqual([
      expect.stringMatching(/^--group is required: the consumer group whose dead letters to show/),
      '--code needs an error code (as `starling dlq list` shows them)',
      '--limit "0" is not a whole number from 1 to 10000',
    ]);
    for (const limit of ['', '2.5', 'x', '10001', '-1'])
      expect(parseShowOptions({ group: ['g'], limit }).problems).toEqual([
        `--limit "${limit}" is not a whole number from 1 to 10000`,
      ]);
  });

  it('replay: one group only; dry run', () => {
    expect(parseReplayOptions({ group: ['g'], dryRun: true })).toEqual({
      settings: { group: 'g', selection: { codes: [], topics: [] }, dryRun: true, json: false },
      problems: [],
    });
    expect(parseReplayOptions({ group: ['a', 'b'], topic: [''] }).problems).toEqual([
      '--group was given 2 times (a, b); give one group',
      '--topic needs a source topic name',
    ]);
    expect(parseReplayOptions({ group: [''] }).problems).toEqual(['--group needs a consumer group name']);
  });

  it('makes one UserError of the problems', () => {
    const one = optionsError('dlq show', ['x']);
    expect(one).toBeInstanceOf(UserError);
    expect(one.message).toBe('x');
    expect(one.exitCode).toBe(2);
    expect(optionsError('dlq show', ['x', 'y']).message).toBe(
      'the dlq show options have 2 problems:\n  - x\n  - y',
    );
  });
});
