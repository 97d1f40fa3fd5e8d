import { UserError } from '../../core/errors/user-error.js';
import { DEFAULT_MIX, type Mix, parseMix } from './mix.js';

export interface LoadArgs {
  rate?: string;
  duration?: string;
  seed?: string;
  mix?: string;
  txnSize?: string;
}

export interface LoadSettings {
  rate: number;
  durationS: number;
  seed: number;
  mix: Mix;
  txnSize: number;
}

/** The CLI's `starling load` options as numbers, with every problem reported in one message. */
export function parseLoadArgs(args: LoadArgs): LoadSettings {
  const problems: string[] = [];
  const positive = (name: string, text: string | undefined): number => {
    if (text === undefined) {
      problems.push(`${name} is required`);
      return 0;
    }
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n <= 0)
      problems.push(`${name} "${text}" is not a positive number`);
    return n;
  };
  const integer = (name: string, text: string | undefined, fallback: number, min: number): number => {
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text.trim()) || Number(text) < min || !Number.isSafeInteger(Number(text)))
      problems.push(`${name} "${text}" is not an integer of at least ${min}`);
    return Number(text);
  };
  const rate = positive('--rate', args.rate);
  const durationS = positive('--duration', args.duration);
  const seed = integer('--seed', args.seed, 1, 0);
  const txnSize = integer('--txn-size', args.txnSize, 1, 1);
  let mix = DEFAULT_MIX;
  if (args.mix !== undefined) {
    try {
      mix = parseMix(args.mix);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length === 0 && Math.round(rate * durationS) < 1)
    problems.push(`--rate ${rate} for --duration ${durationS} s makes no change at all`);
  if (problems.length > 0)
    throw new UserError(
      problems.length === 1
        ? problems[0]!
        : `the load options have ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      'LOAD_OPTIONS',
    );
  return { rate, durationS, seed, mix, txnSize };
}
