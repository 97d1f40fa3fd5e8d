/**
 * What a backfill reads from Kafka Connect's REST API: every connector with its config and state in one call
 * (GET /connectors?expand=info&expand=status), and a connector's committed source offsets
 * (GET /connectors/{name}/offsets, Kafka Connect 3.5+). Configs hold secrets: callers read named settings
 * only and never print a config.
 */
import { authHeaders, type BasicAuth } from '../../core/config/security.js';
import { UserError } from '../../core/errors/user-error.js';
import type { ConnectorInfo } from './capture-connector.js';

interface Expanded {
  info?: { config?: Record<string, string> };
  status?: {
    connector?: { state?: string };
    tasks?: Array<{ id: number; state: string; trace?: string }>;
  };
}

async function get(
  baseUrl: string,
  path: string,
  auth: BasicAuth | undefined,
): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}${path}`, {
      headers: authHeaders(auth),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    throw new UserError(
      `Kafka Connect at ${baseUrl} does not answer (${(e as Error).message}). Is the stack up (starling stack status)?`,
      'BACKFILL_CONNECT_UNREACHABLE',
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** `auth`: Kafka Connect's basic-auth credentials (config.connect.auth), on every call here. */
export async function listConnectors(baseUrl: string, auth?: BasicAuth): Promise<ConnectorInfo[]> {
  const { status, body } = await get(baseUrl, '/connectors?expand=info&expand=status', auth);
  if (status !== 200) throw new Error(`GET /connectors?expand=info&expand=status: HTTP ${status}`);
  return Object.entries(body as Record<string, Expanded>).map(([name, c]) => ({
    name,
    config: c.info?.config ?? {},
    state: c.status?.connector?.state ?? 'UNKNOWN',
    tasks: c.status?.tasks ?? [],
  }));
}

export async function connectorInfo(
  baseUrl: string,
  name: string,
  auth?: BasicAuth,
): Promise<ConnectorInfo | undefined> {
  return (await listConnectors(baseUrl, auth)).find((c) => c.name === name);
}

/**
 * The source offset a MariaDB/MySQL connector last committed (its partition is {server: <topic prefix>});
 * undefined when it has none yet; null when this Connect cannot say (no offsets endpoint).
 */
export async function committedOffset(
  baseUrl: string,
  name: string,
  server: string,
  auth?: BasicAuth,
): Promise<Record<string, unknown> | undefined | null> {
  const { status, body } = await get(baseUrl, `/connectors/${encodeURIComponent(name)}/offsets`, auth);
  if (status !== 200) return null;
  const offsets = (
    body as { offsets?: Array<{ partition?: { server?: string }; offset?: Record<string, unknown> }> }
  ).offsets;
  return offsets?.find((o) => o.partition?.server === server)?.offset;
}
