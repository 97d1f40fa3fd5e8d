import { UserError } from '../../core/errors/user-error.js';

export type ServiceState = 'running' | 'stopped' | 'external' | 'unreachable';

/**
 * One service of the stack. Contract:
 * - `up()` is idempotent: a running, healthy service returns at once; otherwise it is started and
 *   `up()` returns only when its readiness probe passes, or throws ServiceStartError.
 * - `down()` stops only a process this stack started (pid file + marker), and reports whether it did.
 * - An external service (given by URL) is never started or stopped; `status()` probes it.
 */
export interface StackService {
  readonly name: string;
  /** host:port or URL, with secrets masked. */
  readonly address: string;
  readonly external: boolean;
  status(): Promise<ServiceState>;
  up(): Promise<void>;
  down(): Promise<boolean>;
}

export class ServiceStartError extends UserError {
  constructor(service: string, reason: string, logFile?: string, logTail?: string) {
    super(
      `${service} failed to start: ${reason}` +
        (logFile ? `\nLast lines of its log (${logFile}):\n${logTail ?? ''}` : ''),
      'SERVICE_START_FAILED',
    );
  }
}
