/**
 * `starling backfill`: a Debezium incremental snapshot of one table, requested through the connector's
 * signal table while streaming goes on. Debezium re-reads the table in primary-key chunks and emits each row
 * as a read event (op 'r', source.snapshot 'incremental') into the table's raw topic, interleaved with the
 * streamed changes (it de-duplicates inside each chunk's window; the sinks' position guard does the rest).
 *
 * Order: check everything (validate.ts), note the raw topic's end offsets, insert the signal row, then count
 * the snapshot reads arriving after those offsets until they reach the rows MariaDB counted, or Debezium's
 * committed offsets say the snapshot is over (snapshot-phase.ts: rows deleted meanwhile are never read), or
 * the timeout passes. Debezium's snapshot runs on its own: stopping this command does not stop it.
 */
import { randomUUID } from 'node:crypto';
import { AvroCodec } from '../../core/codec/avro-codec.js';
import { RegistryClient } from '../../core/codec/registry-client.js';
import type { StarlingConfig } from '../../core/config/load.js';
import { UserError } from '../../core/errors/user-error.js';
import { createKafka, type Kafka, kafkaOptionsFrom } from '../../core/kafka/client.js';
import { describeState, hasStopped } from './capture-connector.js';
import { committedOffset, connectorInfo } from './connect.js';
import { endOffsets, type Follower, followTopic } from './follow.js';
import type { BackfillSettings } from './options.js';
import { formatCount, formatDuration } from './progress.js';
import { SIGNAL_TYPE, type SnapshotSignalData, snapshotSignalData } from './signal.js';
import { isIncrementalRead, type SnapshotEnvelope } from './snapshot-event.js';
import { type BinlogPosition, phaseNote, type SnapshotPhase, snapshotPhase } from './snapshot-phase.js';
import { insertSignal, openSource } from './source.js';
import { type BackfillPlan, planBackfill } from './validate.js';

export interface BackfillProgress {
  read: number;
  expected: number;
  elapsedMs: number;
}

export interface BackfillResult {
  table: string;
  topic: string;
  connector: string;
  signal: { id: string; type: string; data: SnapshotSignalData; table: string } | undefined;
  expectedRows: number;
  rowsRead: number;
  elapsedMs: number;
  /** count: all expected rows read; debezium: its offsets say the snapshot is over; nothing: no row matched */
  endedBy: 'count' | 'debezium' | 'nothing';
}

export interface BackfillHooks {
  onPlan?(plan: BackfillPlan): void;
  /** the signal row, once inserted */
  onSignal?(signal: NonNullable<BackfillResult['signal']>): void;
  onProgress?(p: BackfillProgress): void;
  /** stops waiting (the snapshot goes on in Debezium) */
  abort?: AbortSignal;
  /** how often the connector's state and offsets are read (default 2 s) */
  pollMs?: number;
}

const TICK_MS = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runBackfill(
  config: StarlingConfig,
  s: BackfillSettings,
  hooks: BackfillHooks = {},
): Promise<BackfillResult> {
  const conn = await openSource(config);
  try {
    const plan = await planBackfill(config, s, conn);
    hooks.onPlan?.(plan);
    const data = snapshotSignalData(plan.db, plan.table, plan.where);
    const base = {
      table: `${plan.db}.${plan.table}`,
      topic: plan.topic,
      connector: plan.connector.name,
      expectedRows: plan.expected,
    };
    if (plan.expected === 0)
      return { ...base, signal: undefined, rowsRead: 0, elapsedMs: 0, endedBy: 'nothing' };

    const kafka = createKafka(kafkaOptionsFrom(config, { clientId: 'starling-backfill' }));
    const codec = new AvroCodec(new RegistryClient(config.registry.ccompatUrl, config.registry.auth));
    const from = await endOffsets(kafka, plan.topic);
    const follower = await followTopic(kafka, codec, plan.topic, from, (v) =>
      isIncrementalRead(v as SnapshotEnvelope, plan.db, plan.table),
    );
    try {
      const signal = {
        id: randomUUID(),
        type: SIGNAL_TYPE,
        data,
        table: `${plan.signalTable.db}.${plan.signalTable.table}`,
      };
      const t0 = Date.now();
      const signalAt = await insertSignal(conn, plan.signalTable, {
        id: signal.id,
        type: signal.type,
        data: JSON.stringify(data),
      });
      hooks.onSignal?.(signal);
      const outcome = await watch(config, plan, kafka, follower, signalAt, t0, s.timeoutS * 1000, hooks);
      return { ...base, signal, rowsRead: follower.accepted(), elapsedMs: Date.now() - t0, endedBy: outcome };
    } finally {
      await follower.stop();
    }
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** Waits for the snapshot's end; throws a UserError (exit 1) on timeout, a stopped connector or an abort. */
async function watch(
  config: StarlingConfig,
  plan: BackfillPlan,
  kafka: Kafka,
  follower: Follower,
  signalAt: BinlogPosition | undefined,
  t0: number,
  timeoutMs: number,
  hooks: BackfillHooks,
): Promise<'count' | 'debezium'> {
  const id = `${plan.db}.${plan.table}`;
  const pollMs = hooks.pollMs ?? 2000;
  let phase: SnapshotPhase | 'unknown' = signalAt === undefined ? 'unknown' : 'not-started';
  let lastPoll = Date.now();
  /** the topic's end offsets once Debezium says it is over: every read it made is below them */
  let drainTo: Awaited<ReturnType<typeof endOffsets>> | undefined;
  const fail = (why: string): never => {
    const read = follower.accepted();
    throw new UserError(
      `${why}: ${formatCount(read)} of ${formatCount(plan.expected)} rows of ${id} read in ${formatDuration(Date.now() - t0)}. ${phaseNote(phase, read)}`,
      'BACKFILL_INCOMPLETE',
      1,
    );
  };
  for (;;) {
    const read = follower.accepted();
    hooks.onProgress?.({ read, expected: plan.expected, elapsedMs: Date.now() - t0 });
    const crashed = follower.failure();
    if (crashed) throw crashed;
    if (read >= plan.expected) return 'count';
    if (drainTo !== undefined && follower.caughtUp(drainTo)) {
      if (read === 0)
        throw new UserError(
          `Debezium ended the snapshot of ${id} without reading a row (${formatCount(plan.expected)} expected). It gives up on a table after an SQL error and goes on streaming: look for "SQL error while executing incremental snapshot" in the Kafka Connect log.`,
          'BACKFILL_SKIPPED',
          1,
        );
      return 'debezium';
    }
    if (hooks.abort?.aborted) fail('interrupted');
    if (Date.now() - t0 > timeoutMs) fail(`timed out after ${formatDuration(timeoutMs)}`);
    if (Date.now() - lastPoll >= pollMs) {
      lastPoll = Date.now();
      const info = await connectorInfo(config.connect.url, plan.connector.name, config.connect.auth);
      if (info === undefined) fail(`connector ${plan.connector.name} was deleted`);
      else if (hasStopped(info)) fail(`connector ${info.name} stopped running (${describeState(info)})`);
      if (signalAt !== undefined && drainTo === undefined) {
        const offset = await committedOffset(
          config.connect.url,
          plan.connector.name,
          config.topics.prefix,
          config.connect.auth,
        );
        if (offset === null) phase = 'unknown';
        else {
          phase = snapshotPhase(offset, id, signalAt);
          if (phase === 'ended') drainTo = await endOffsets(kafka, plan.topic);
        }
      }
    }
    await sleep(TICK_MS);
  }
}
