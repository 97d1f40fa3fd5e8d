import { describe, expect, it } from 'vitest';
import { lineMessage } from '../../connectors/weblog/line-record.js';
import type { KafkaMessage } from '../../core/kafka/client.js';
import { decideLine } from './request-row.js';

const LINE =
  '83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /images/kibana-search.png HTTP/1.1" 200 203023 "http://semicomplete.com/" "Mozilla/5.0"';
const excluded = new Set(['198.46.149.143']);

function record(line: string | { oversize: number }, offset = '7'): KafkaMessage {
  const position = { inode: 42, offset: 1000 };
  const m = lineMessage(
    '/var/log/access.log',
    typeof line === 'string' ? { line, position } : { ...line, position },
  );
  return { ...m, offset, timestamp: '0', attributes: 0, size: 0 } as unknown as KafkaMessage;
}

describe('decideLine', () => {
  it('keeps a combined line as a fact row keyed by topic, partition and offset', () => {
    const v = decideLine('p.weblog.lines', 0, record(LINE), excluded);
    expect(v).toEqual({
      kind: 'kept',
      row: {
        sourceTopic: 'p.weblog.lines',
        sourcePartition: 0,
        sourceOffset: '7',
        fileInode: 42,
        fileOffset: 1000,
        dateid: 20150517,
        day: '2015-05-17',
        clientIp: '83.149.9.216',
        time: '2015-05-17T10:05:03.000Z',
        utcOffsetMinutes: 0,
        request: 'GET /images/kibana-search.png HTTP/1.1',
        method: 'GET',
        path: '/images/kibana-search.png',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 203023,
        referer: 'http://semicomplete.com/',
        userAgent: 'Mozilla/5.0',
        line: LINE,
      },
    });
  });

  it('takes the day from the line’s own clock', () => {
    const v = decideLine('t', 0, record(LINE.replace('10:05:03 +0000', '23:30:00 -0800')), excluded);
    expect(v.kind === 'kept' && [v.row.day, v.row.dateid, v.row.time]).toEqual([
      '2015-05-17',
      20150517,
      '2015-05-18T07:30:00.000Z',
    ]);
  });

  it('drops excluded clients, in any spelling of the address', () => {
    expect(decideLine('t', 0, record(LINE.replace('83.149.9.216', '198.46.149.143')), excluded)).toEqual({
      kind: 'excluded',
    });
    expect(
      decideLine('t', 0, record(LINE.replace('83.149.9.216', '::ffff:198.46.149.143')), excluded),
    ).toEqual({
      kind: 'excluded',
    });
    expect(decideLine('t', 0, record(LINE), new Set()).kind).toBe('kept');
  });

  it('dead-letters what it cannot use, each with a code and the reason', () => {
    // Cut inside the referer: a line cut inside its last field, the user agent, is kept (combined-log.ts).
    const cut = decideLine('t', 0, record(LINE.slice(0, LINE.indexOf('semicomplete'))), excluded);
    expect(cut).toEqual({
      kind: 'dead',
      code: 'WEBLOG_UNPARSEABLE',
      reason: expect.stringMatching(/closing quote is missing/),
    });
    expect(decideLine('t', 0, record(LINE.replace('Mozilla', 'Moz\u0000illa')), excluded)).toMatchObject({
      code: 'WEBLOG_UNPARSEABLE',
      reason: 'the line holds a NUL character',
    });
    const notUtf8 = {
      ...record(LINE),
      value: Buffer.concat([Buffer.from(LINE.slice(0, -2)), Buffer.from([0xff, 0x22])]),
    };
    expect(decideLine('t', 0, notUtf8 as KafkaMessage, excluded)).toMatchObject({
      code: 'WEBLOG_UNPARSEABLE',
      reason: 'the line is not valid UTF-8',
    });
    expect(decideLine('t', 0, record({ oversize: 2_000_000 }), excluded)).toMatchObject({
      code: 'WEBLOG_LINE_TOO_LONG',
      reason: expect.stringContaining('2000000 bytes'),
    });
    expect(decideLine('t', 0, { ...record(LINE), headers: {} } as KafkaMessage, excluded)).toMatchObject({
      code: 'WEBLOG_NO_POSITION',
    });
  });
});
