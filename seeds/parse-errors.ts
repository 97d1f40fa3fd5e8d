import { UserError } from '../core/errors/user-error.js';

/**
 * Collects the problems of one data file so the user sees them all at once (up to a limit: a wrong file
 * would otherwise print thousands of lines), then throws one UserError.
 */
export class ParseProblems {
  private readonly problems: string[] = [];
  private count = 0;

  constructor(private readonly file: string) {}

  add(line: number, message: string): void {
    this.count++;
    if (this.problems.length < 10) this.problems.push(`line ${line}: ${message}`);
  }

  throwIfAny(): void {
    if (this.count === 0) return;
    const more =
      this.count > this.problems.length ? `\n  … and ${this.count - this.problems.length} more` : '';
    throw new UserError(
      `${this.file} is not in the expected shape (${this.count} problem${this.count === 1 ? '' : 's'}):\n${this.problems
        .map((p) => `  - ${p}`)
        .join('\n')}${more}`,
      'SEED_DATA_INVALID',
    );
  }
}

const INT = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d{1,2})?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export function toInt(text: string, what: string, line: number, problems: ParseProblems): number {
  const t = text.trim();
  if (!INT.test(t)) problems.add(line, `${what} "${t}" is not an integer`);
  return Number(t);
}

export function toDecimal(text: string, what: string, line: number, problems: ParseProblems): string {
  const t = text.trim();
  if (!DECIMAL.test(t)) problems.add(line, `${what} "${t}" is not a decimal with at most 2 places`);
  return t;
}

export function toDatetime(text: string, what: string, line: number, problems: ParseProblems): string {
  const t = text.trim();
  if (!DATETIME.test(t)) problems.add(line, `${what} "${t}" is not YYYY-MM-DD HH:MM:SS`);
  return t;
}
