import { loadConfig } from '../../core/config/load.js';
import { redactText } from '../../core/config/redact.js';
import { securedConnectionError } from '../../core/errors/secured-connection.js';
import { UserError } from '../../core/errors/user-error.js';

/**
 * Runs one CLI action. A UserError (bad config, bad option, a service that would not start) prints its
 * message alone and exits with its code; anything else is our bug and prints its stack. Both are scrubbed of
 * the configured secrets.
 */
export async function runCommand(action: () => Promise<number | undefined>): Promise<never> {
  let secrets: string[] = [];
  try {
    secrets = loadConfig().secrets;
  } catch {
    // The action reports configuration problems itself.
  }
  try {
    const code = await action();
    process.exit(code ?? 0);
  } catch (caught) {
    const e = securedConnectionError(caught) ?? caught;
    if (e instanceof UserError) {
      process.stderr.write(`starling: ${redactText(e.message, secrets)}\n`);
      process.exit(e.exitCode);
    }
    const err = e as Error;
    process.stderr.write(
      `starling: internal error (please report it):\n${redactText(err.stack ?? String(err), secrets)}\n`,
    );
    process.exit(70);
  }
}
