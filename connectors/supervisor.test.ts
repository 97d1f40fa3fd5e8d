import { describe, expect, it } from 'vitest';
import { decide } from './supervisor.js';

describe('decide (connector supervisor)', () => {
  it('leaves running parts alone and restarts a failed one at once, then with doubling back-off', () => {
    expect(decide('RUNNING', undefined, undefined, 0)).toEqual({ action: 'none' });
    const first = decide('FAILED', 'java.sql.SQLException: Access denied', undefined, 1000);
    expect(first).toEqual({ action: 'restart', attempt: 1, nextAt: 6000 });
    expect(decide('FAILED', 'x', { restarts: 1, nextAt: 6000 }, 5999)).toEqual({
      action: 'wait',
      untilMs: 6000,
    });
    expect(decide('FAILED', 'x', { restarts: 1, nextAt: 6000 }, 6000)).toEqual({
      action: 'restart',
      attempt: 2,
      nextAt: 16_000,
    });
    // Capped.
    expect(
      decide('FAILED', 'x', { restarts: 20, nextAt: 0 }, 0, { baseMs: 5000, maxMs: 60_000 }),
    ).toMatchObject({
      nextAt: 60_000,
    });
  });

  it('reports a purged binlog position with the way out instead of restarting', () => {
    const trace =
      'io.debezium.DebeziumException: The connector is trying to read binlog starting at ..., but this is no longer available on the server.';
    const d = decide('FAILED', trace, undefined, 0);
    expect(d).toMatchObject({ action: 'report', reason: expect.stringMatching(/purged/) });
    expect(d.action === 'report' && d.wayOut).toMatch(/new snapshot/);
    expect(d.action === 'report' && d.wayOut).toMatch(/starling connectors resnapshot --name <name>/);
  });
});
