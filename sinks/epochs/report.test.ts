import { afterEach, describe, expect, it } from 'vitest';
import { epochHealth } from '../../ops/http/health.js';
import { renderMetrics } from '../../ops/http/metrics.js';
import { clearEpochReports, epochReports, reportBatch, reportEpoch } from './report.js';

describe('source epochs on /metrics and /health', () => {
  afterEach(clearEpochReports);

  it('counts detected epochs and guard alarms per group, topic and partition', () => {
    reportBatch('g', 't', 0, 0, undefined); // nothing to report: no entry
    expect(epochReports()).toEqual([]);
    reportEpoch('g', 't', 0, 1, 'restarted at offset 5');
    reportBatch('g', 't', 0, 1, undefined);
    const text = renderMetrics(undefined, [], 0, epochReports());
    expect(text).toContain('starling_source_epochs_total{group="g",topic="t",partition="0"} 1\n');
    expect(text).toContain('starling_position_guard_alarms_total{group="g",topic="t",partition="0"} 0\n');
    expect(epochHealth(epochReports())).toEqual([
      { name: 'source-epoch:g/t/0', state: 'UP', detail: 'epoch 1: restarted at offset 5' },
    ]);
  });

  it('degrades /health while the newest batch raises the guard alarm, and clears after', () => {
    reportBatch('g', 't', 1, 0, '95 of 100 new records below');
    expect(epochHealth(epochReports())[0]).toMatchObject({
      state: 'ALARM',
      detail: 'position guard alarm: 95 of 100 new records below',
    });
    reportBatch('g', 't', 1, 0, undefined);
    expect(epochHealth(epochReports())[0]).toMatchObject({ state: 'UP' });
    expect(renderMetrics(undefined, [], 0, epochReports())).toContain(
      'starling_position_guard_alarms_total{group="g",topic="t",partition="1"} 1\n',
    );
  });
});
