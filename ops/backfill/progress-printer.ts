/**
 * Shows a changing progress line on a stream: redrawn in place on a terminal, and on anything else (a log, a
 * pipe, a test) printed as a new line at most every `everyMs`, so the log shows the run without a flood.
 */
export class ProgressPrinter {
  private shown = false;
  private last = '';
  private lastPrintedAt = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly everyMs = 2000,
  ) {}

  update(line: string): void {
    this.last = line;
    if (this.out.isTTY) {
      this.out.write(`\r${line}\x1b[K`);
      this.shown = true;
    } else if (Date.now() - this.lastPrintedAt >= this.everyMs) {
      this.out.write(`${line}\n`);
      this.lastPrintedAt = Date.now();
      this.shown = false;
    } else this.shown = true; // not printed yet: done() prints the final state
  }

  /** Ends the line (a terminal's) or prints the last state (elsewhere). */
  done(): void {
    if (!this.shown) return;
    this.out.write(this.out.isTTY ? '\n' : `${this.last}\n`);
    this.shown = false;
  }
}
