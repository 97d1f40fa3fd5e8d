import type { StarlingConfig } from '../../core/config/load.js';
import type { SinkRunnerOptions } from './sink-runner.js';

/** The runner settings every stage takes from the configuration alike (staging, conform, warehouse). */
export function runnerSettings(
  config: StarlingConfig,
): Pick<SinkRunnerOptions, 'killAfterWrites' | 'sessionTimeoutMs' | 'retryWindowMs'> {
  return {
    killAfterWrites: config.staging.killAfterWrites,
    sessionTimeoutMs: config.staging.sessionTimeoutMs,
    retryWindowMs: config.staging.retryWindowMs,
  };
}
