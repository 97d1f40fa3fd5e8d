import { setTimeout as sleep } from 'node:timers/promises';

/**
 * When change i is due, in ms after the start: a fixed schedule, not a sleep after each change, so time
 * spent in the database never accumulates as drift. A run that falls behind catches up without sleeping.
 */
export function dueMs(changeIndex: number, rate: number): number {
  return (changeIndex * 1000) / rate;
}

export async function waitUntil(startMs: number, offsetMs: number, now: () => number): Promise<number> {
  const late = now() - (startMs + offsetMs);
  if (late < 0) await sleep(-late);
  return Math.max(0, late);
}
