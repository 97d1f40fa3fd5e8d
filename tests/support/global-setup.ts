import { loadConfig } from '../../core/config/load.js';
import { stackPaths } from '../../infra/stack/paths.js';
import { preflight } from '../../infra/stack/preflight.js';
import { stackServices, stackUp } from '../../infra/stack/stack.js';

/** Brings the real local stack up (a no-op when it already runs) before any integration test. */
export default async function setup(): Promise<void> {
  const config = loadConfig();
  preflight(config, stackPaths(config), () => undefined);
  await stackUp(stackServices(config), { starting: () => {}, ready: () => {}, failed: () => {} });
}
