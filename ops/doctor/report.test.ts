import { describe, expect, it } from 'vitest';
import { formatReport, summarize, summaryLine } from './report.js';
import { humanDuration, ok, problem, warn } from './types.js';

describe('the doctor report', () => {
  it('exits 0 with warnings only and 1 with any problem', () => {
    const clean = summarize([
      { system: 'kafka', target: 'b:9092', findings: [ok('kafka', 'cluster', '1 broker')] },
    ]);
    expect(clean).toMatchObject({ exitCode: 0, summary: { ok: 1, warn: 0, problem: 0 } });
    expect(summaryLine(clean)).toBe('0 problems, 0 warnings, 1 OK: ready');
    const warned = summarize([
      { system: 'kafka', target: 'b', findings: [warn('kafka', 't', 'd', 'w', 'f')] },
    ]);
    expect(warned.exitCode).toBe(0);
    expect(summaryLine(warned)).toBe('0 problems, 1 warning, 0 OK: ready, with warnings');
    const bad = summarize([
      { system: 'kafka', target: 'b', findings: [warn('kafka', 't', 'd', 'w', 'f')] },
      {
        system: 'registry',
        target: 'r',
        findings: [problem('registry', 'reachable', 'cannot reach r', 'why', 'fix')],
      },
    ]);
    expect(bad).toMatchObject({ exitCode: 1, summary: { ok: 0, warn: 1, problem: 1 } });
  });

  it('groups findings by system and prints why and fix for every WARN and PROBLEM', () => {
    const text = formatReport(
      summarize([
        {
          system: 'source',
          target: 'cdc@db:3306',
          findings: [
            ok('source', 'log_bin', 'ON'),
            problem('source', 'binlog_format', 'MIXED', 'needs rows', 'binlog_format=ROW'),
          ],
        },
      ]),
    ).join('\n');
    expect(text).toContain('Source (MariaDB/MySQL)  cdc@db:3306');
    expect(text).toMatch(/ {2}OK {6}log_bin +ON/);
    expect(text).toMatch(
      / {2}PROBLEM binlog_format +MIXED\n {10}why: needs rows\n {10}fix: binlog_format=ROW/,
    );
    expect(text.trimEnd().split('\n').pop()).toBe(
      '1 problem, 0 warnings, 1 OK: fix the problems before capture starts',
    );
  });

  it('says durations as a person would', () => {
    expect(humanDuration(30 * 60_000)).toBe('30 min');
    expect(humanDuration(3_600_000)).toBe('1 h');
    expect(humanDuration(36 * 3_600_000)).toBe('36 h');
    expect(humanDuration(7 * 86_400_000)).toBe('7 d');
  });
});
