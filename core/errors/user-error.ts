/**
 * A problem the user can fix (bad config, bad option, a port in use, a missing tool). The CLI prints its
 * message alone, with no stack trace, and exits with `exitCode`. Anything else reaching the top is our bug
 * and is printed with its stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export class ConfigError extends UserError {
  constructor(readonly problems: readonly string[]) {
    super(
      `Starling's configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems
        .map((p) => `  - ${p}`)
        .join('\n')}`,
      'CONFIG_INVALID',
    );
    this.name = 'ConfigError';
  }
}
