/**
 * What source-epoch tracking saw in this process, for /metrics and /health: a process-wide record, because
 * every stage of a `starling run` process (staging sink, conform processors) tracks its own partitions and
 * the HTTP server reports them all. Bounded: one entry per group, topic and partition.
 */

export interface PartitionEpochReport {
  group: string;
  topic: string;
  partition: number;
  /** Epochs this process detected (not those it loaded: they were reported by whoever detected them). */
  epochsDetected: number;
  /** The epoch of the newest record seen, and the last restart's description. */
  currentEpoch: number;
  lastRestart?: string;
  guardAlarms: number;
  /** Whether the newest batch of this partition raised the guard alarm (cleared by a batch that does not). */
  guardAlarmActive: boolean;
  lastGuardAlarm?: string;
}

const reports = new Map<string, PartitionEpochReport>();

function entry(group: string, topic: string, partition: number): PartitionEpochReport {
  const k = `${group}\u0000${topic}\u0000${partition}`;
  let r = reports.get(k);
  if (!r) {
    r = {
      group,
      topic,
      partition,
      epochsDetected: 0,
      currentEpoch: 0,
      guardAlarms: 0,
      guardAlarmActive: false,
    };
    reports.set(k, r);
  }
  return r;
}

export function reportEpoch(
  group: string,
  topic: string,
  partition: number,
  epoch: number,
  what: string,
): void {
  const r = entry(group, topic, partition);
  r.epochsDetected++;
  r.currentEpoch = Math.max(r.currentEpoch, epoch);
  r.lastRestart = what;
}

export function reportBatch(
  group: string,
  topic: string,
  partition: number,
  epoch: number,
  alarm: string | undefined,
): void {
  if (epoch === 0 && alarm === undefined && !reports.has(`${group}\u0000${topic}\u0000${partition}`)) return;
  const r = entry(group, topic, partition);
  r.currentEpoch = Math.max(r.currentEpoch, epoch);
  r.guardAlarmActive = alarm !== undefined;
  if (alarm !== undefined) {
    r.guardAlarms++;
    r.lastGuardAlarm = alarm;
  }
}

/** A copy, ordered by group, topic, partition. */
export function epochReports(): PartitionEpochReport[] {
  return [...reports.values()]
    .map((r) => ({ ...r }))
    .sort((a, b) =>
      a.group === b.group
        ? a.topic === b.topic
          ? a.partition - b.partition
          : a.topic.localeCompare(b.topic)
        : a.group.localeCompare(b.group),
    );
}

/** For tests. */
export function clearEpochReports(): void {
  reports.clear();
}
