import { describe, expect, it } from 'vitest';
import { groupsWithDlq, replayGroup, unknownGroupProblems } from './groups.js';

describe('dead-letter groups', () => {
  it('finds the groups from the dlq.<group> topics', () => {
    expect(groupsWithDlq(['softcart.sales.t', 'dlq.starling-staging', 'dlq.', 'dlq.a.b', 'xdlq.c'])).toEqual([
      'a.b',
      'starling-staging',
    ]);
    expect(replayGroup('starling-staging')).toBe('starling-staging-dlq-replay');
  });

  it('names every unknown group, with the groups that exist, and a hint when the topic was given', () => {
    const known = ['starling-conform', 'starling-staging'];
    expect(unknownGroupProblems(['starling-staging', 'nope', 'dlq.starling-conform'], known)).toEqual([
      'no dead-letter topic dlq.nope: no Starling stage has run with group "nope" (groups with a dead-letter topic: starling-conform, starling-staging)',
      'no dead-letter topic dlq.dlq.starling-conform: no Starling stage has run with group "dlq.starling-conform" (give the group, not the topic: --group starling-conform)',
    ]);
    expect(unknownGroupProblems(['x'], [])).toEqual([
      'no dead-letter topic dlq.x: no Starling stage has run with group "x" (groups with a dead-letter topic: none)',
    ]);
  });
});
