import type { Logger } from '../core/log/logger.js';
import type { ConnectApi } from './connect-api.js';

/**
 * Keeps Debezium running without an operator: a FAILED connector or task is restarted with exponential
 * back-off (a transient cause — the database restarting, a network blip — clears by itself), and one that
 * cannot recover by a restart (the binlog position it needs was purged) is reported with the way out instead
 * of being restarted forever. `starling run` runs one; /health shows what it did.
 */

/** Error text of a task whose source history is gone: restarting cannot help, a new snapshot can. */
const UNRECOVERABLE: Array<{ pattern: RegExp; reason: string; wayOut: string }> = [
  {
    pattern:
      /no longer available on the server|Could not find first log file name in binary log index|binlog .* (?:has been )?purged|error code: 1236/i,
    reason: 'the binlog position the connector needs was purged from the server',
    wayOut:
      "take a new snapshot: `starling connectors resnapshot --name <name>` (it stops the connector, deletes its offsets and resumes it through Kafka Connect); the sinks see the new snapshot's coordinates as a new source epoch and apply it, so staging and the warehouse end equal to the source",
  },
];

export interface Attempts {
  restarts: number;
  /** ms since the epoch when the next restart may happen. */
  nextAt: number;
  /** When the part was last seen RUNNING again after a restart (the back-off resets after a stable run). */
  runningSince?: number;
}

export type Decision =
  | { action: 'none' }
  | { action: 'wait'; untilMs: number }
  | { action: 'restart'; attempt: number; nextAt: number }
  | { action: 'report'; reason: string; wayOut: string };

/** What to do about one connector or task (pure). */
export function decide(
  state: string,
  trace: string | undefined,
  prior: Attempts | undefined,
  now: number,
  backoff = { baseMs: 5_000, maxMs: 600_000 },
): Decision {
  if (state !== 'FAILED') return { action: 'none' };
  const hopeless = UNRECOVERABLE.find((u) => u.pattern.test(trace ?? ''));
  if (hopeless) return { action: 'report', reason: hopeless.reason, wayOut: hopeless.wayOut };
  if (prior && now < prior.nextAt) return { action: 'wait', untilMs: prior.nextAt };
  const attempt = (prior?.restarts ?? 0) + 1;
  const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 1));
  return { action: 'restart', attempt, nextAt: now + delay };
}

export interface SupervisedState {
  name: string;
  /** 'connector' or the task id. */
  part: 'connector' | number;
  /** Restarts made so far (all of them, across recoveries). */
  restarts: number;
  lastRestartAt?: number;
  unrecoverable?: { reason: string; wayOut: string };
}

export class ConnectorSupervisor {
  private readonly attempts = new Map<string, Attempts>();
  private readonly states = new Map<string, SupervisedState>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly api: ConnectApi,
    private readonly log: Logger,
    private readonly o: { intervalMs?: number; baseMs?: number; maxMs?: number; stableMs?: number } = {},
  ) {}

  start(): void {
    const tick = () => {
      this.running ??= this.tick().finally(() => {
        this.running = undefined;
      });
    };
    tick();
    this.timer = setInterval(tick, this.o.intervalMs ?? 10_000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** What the supervisor did, per connector part that ever failed. */
  report(): SupervisedState[] {
    return [...this.states.values()];
  }

  async tick(now = Date.now()): Promise<void> {
    let names: string[];
    try {
      names = await this.api.list();
    } catch (e) {
      this.log.warn('connector supervisor: Kafka Connect unreachable', { error: String(e) });
      return;
    }
    for (const name of names) {
      let status: Awaited<ReturnType<ConnectApi['status']>>;
      try {
        status = await this.api.status(name);
      } catch {
        continue; // deleted meanwhile
      }
      const parts: Array<{ part: 'connector' | number; state: string; trace?: string }> = [
        { part: 'connector', state: status.connector.state, trace: status.connector.trace },
        ...status.tasks.map((t) => ({ part: t.id, state: t.state, trace: t.trace })),
      ];
      for (const p of parts) await this.handle(name, p.part, p.state, p.trace, now);
    }
  }

  private async handle(
    name: string,
    part: 'connector' | number,
    state: string,
    trace: string | undefined,
    now: number,
  ) {
    const k = `${name}\u0000${part}`;
    if (state === 'RUNNING') {
      const s = this.states.get(k);
      if (s) delete s.unrecoverable;
      // The back-off is forgotten only after a stable run: a task that fails again right after a restart
      // keeps backing off instead of being restarted at the base interval forever.
      const a = this.attempts.get(k);
      if (a) {
        a.runningSince ??= now;
        if (now - a.runningSince >= (this.o.stableMs ?? 60_000)) {
          this.attempts.delete(k);
          this.log.info('connector recovered', { connector: name, part });
        }
      }
      return;
    }
    const prior = this.attempts.get(k);
    if (prior) delete prior.runningSince;
    const d = decide(state, trace, prior, now, {
      baseMs: this.o.baseMs ?? 5_000,
      maxMs: this.o.maxMs ?? 600_000,
    });
    const s = this.states.get(k) ?? { name, part, restarts: 0 };
    this.states.set(k, s);
    if (d.action === 'report') {
      const wayOut = d.wayOut.replaceAll('<name>', name);
      if (!s.unrecoverable)
        this.log.error(
          `connector ${name} (${part}) cannot recover by a restart: ${d.reason}. Way out: ${wayOut}`,
        );
      s.unrecoverable = { reason: d.reason, wayOut };
      return;
    }
    if (d.action !== 'restart') return;
    this.attempts.set(k, { restarts: d.attempt, nextAt: d.nextAt });
    s.restarts++;
    s.lastRestartAt = now;
    this.log.warn('restarting a FAILED connector part', {
      connector: name,
      part,
      attempt: d.attempt,
      nextAttemptInS: Math.round((d.nextAt - now) / 1000),
      error: (trace ?? '').split('\n')[0]?.slice(0, 300),
    });
    try {
      if (part === 'connector') await this.api.restartConnector(name);
      else await this.api.restartTask(name, part);
    } catch (e) {
      this.log.warn('restart request failed; will retry', { connector: name, part, error: String(e) });
    }
  }
}
