import { HEADER_DEAD_LETTERED } from '../../connectors/weblog/line-record.js';
import type { KafkaMessage } from '../../core/kafka/client.js';
import type { Logger } from '../../core/log/logger.js';
import { dateRow } from '../../streams/date-dimension.js';
import { decideLine, type WebRequestRow } from '../../streams/weblog/request-row.js';
import type { DeadRecord } from '../runtime/dead-letters.js';
import { withRetry } from '../runtime/retry.js';
import type { BatchContext, BatchProcessor } from '../runtime/sink-runner.js';
import type { WeblogWarehouse } from './dialect.js';

/** Counts of what the processor did, for the service's stats and the test's checks. */
export interface WeblogProcessorStats {
  kept: number;
  excluded: number;
  dead: number;
}

/**
 * The web-log processor as the SinkRunner's BatchProcessor: every line parsed; lines of excluded clients
 * dropped; lines it cannot use returned as dead records (the runner dead-letters them, then commits); the
 * kept ones written with their date members in one transaction, retried while transient. A redelivered
 * batch inserts nothing new (the fact is keyed by topic-partition-offset). `onWritten` is told each day
 * that got rows, after the commit (the archiver's trigger).
 */
export class WeblogProcessor implements BatchProcessor {
  readonly stats: WeblogProcessorStats = { kept: 0, excluded: 0, dead: 0 };

  constructor(
    private readonly warehouse: WeblogWarehouse,
    private readonly excluded: ReadonlySet<string>,
    private readonly log: Logger,
    private readonly retryWindowMs: number,
    private readonly onWritten: (days: string[]) => void = () => undefined,
  ) {}

  async process(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    ctx: BatchContext,
  ): Promise<DeadRecord[]> {
    const rows: WebRequestRow[] = [];
    const dead: DeadRecord[] = [];
    let excluded = 0;
    for (const message of messages) {
      const v = decideLine(topic, partition, message, this.excluded);
      if (v.kind === 'kept') rows.push(v.row);
      else if (v.kind === 'excluded') excluded++;
      else
        dead.push({
          topic,
          partition,
          // Marked, so that once replayed (`starling dlq replay`) it is not taken for the source's checkpoint.
          message: {
            ...message,
            headers: { ...message.headers, [HEADER_DEAD_LETTERED]: v.code },
          } as KafkaMessage,
          stage: 'weblog',
          code: v.code,
          reason: v.reason,
        });
    }
    const days = [...new Set(rows.map((r) => r.day))].sort();
    await withRetry(() => this.warehouse.write(days.map(dateRow), rows), {
      what: 'write web requests',
      windowMs: this.retryWindowMs,
      log: this.log,
      heartbeat: ctx.heartbeat,
    });
    this.stats.kept += rows.length;
    this.stats.excluded += excluded;
    this.stats.dead += dead.length;
    if (days.length > 0) this.onWritten(days);
    return dead;
  }
}
