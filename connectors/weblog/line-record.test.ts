import { describe, expect, it } from 'vitest';
import { lineMessage, lineOrigin, weblogLinesTopic } from './line-record.js';

describe('the lines topic’s records', () => {
  it('are named after the topic prefix', () => {
    expect(
      weblogLinesTopic({
        topics: { prefix: 'softcart', partitions: 1, retentionMs: -1, sourceDatabases: [] },
      }),
    ).toBe('softcart.weblog.lines');
  });

  it('carry the line as UTF-8 and its position, which reads back', () => {
    const m = lineMessage('/logs/access.log', { line: 'héllo', position: { inode: 7, offset: 123 } });
    expect(m.key).toBeNull();
    expect(m.value?.toString('utf8')).toBe('héllo');
    expect(lineOrigin(m.headers)).toEqual({
      file: '/logs/access.log',
      position: { inode: 7, offset: 123 },
      oversize: undefined,
    });
  });

  it('carry an oversize line as a marker with its length and no value', () => {
    const m = lineMessage('/logs/access.log', {
      oversize: 5_000_000,
      position: { inode: 7, offset: 5_000_200 },
    });
    expect(m.value).toBeNull();
    expect(lineOrigin(m.headers)).toEqual({
      file: '/logs/access.log',
      position: { inode: 7, offset: 5_000_200 },
      oversize: 5_000_000,
    });
  });

  it('have no position when the headers are missing or malformed', () => {
    expect(lineOrigin(undefined).position).toBeUndefined();
    expect(lineOrigin({ 'weblog.inode': '7', 'weblog.offset': '-1' }).position).toBeUndefined();
    expect(
      lineOrigin({ 'weblog.inode': Buffer.from('7'), 'weblog.offset': Buffer.from('9') }).position,
    ).toEqual({
      inode: 7,
      offset: 9,
    });
  });
});
