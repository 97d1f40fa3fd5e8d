import { authHeaders, type BasicAuth } from '../core/config/security.js';
import { UserError } from '../core/errors/user-error.js';

/**
 * The way out for a connector whose binlog position is gone (purged history, RESET MASTER, a rebuilt
 * server): a new snapshot. Kafka Connect (3.6+, here 4.x) can forget a connector's source offsets, which
 * makes Debezium snapshot again from the server's current binlog position:
 *   PUT /connectors/{name}/stop -> STOPPED (tasks gone, offsets writable)
 *   DELETE /connectors/{name}/offsets
 *   PUT /connectors/{name}/resume -> the snapshot starts.
 * The new snapshot's coordinates may be lower than those already written; the sinks see that as a new source
 * epoch (sinks/epochs) and apply it instead of rejecting it.
 */

export interface ResnapshotStep {
  step: 'stop' | 'delete-offsets' | 'resume';
  detail: string;
}

type Call = (method: string, path: string) => Promise<{ status: number; body: unknown }>;

function restCall(baseUrl: string, auth: BasicAuth | undefined): Call {
  return async (method, path) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: authHeaders(auth),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body };
  };
}

const message = (body: unknown) =>
  (body as { message?: string } | undefined)?.message ??
  (typeof body === 'string' ? body : JSON.stringify(body));

/** Waits until Connect reports the connector in `state`, polling with a deadline. */
async function waitState(call: Call, name: string, state: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'unknown';
  while (Date.now() < deadline) {
    const r = await call('GET', `/connectors/${encodeURIComponent(name)}/status`);
    const s = r.body as { connector?: { state?: string }; tasks?: Array<{ state: string }> } | undefined;
    last = s?.connector?.state ?? `HTTP ${r.status}`;
    if (last === state && (state !== 'RUNNING' || (s?.tasks ?? []).some((t) => t.state === 'RUNNING')))
      return;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new UserError(
    `connector ${name} did not reach ${state} within ${timeoutMs / 1000} s (it is ${last})`,
    'CONNECTOR_STATE',
  );
}

/** Stops the connector, deletes its source offsets and resumes it: Debezium takes a new snapshot. */
export async function resnapshot(
  connectUrl: string,
  name: string,
  o: { timeoutMs?: number; call?: Call; auth?: BasicAuth } = {},
): Promise<ResnapshotStep[]> {
  const call = o.call ?? restCall(connectUrl, o.auth);
  const timeoutMs = o.timeoutMs ?? 60_000;
  const path = `/connectors/${encodeURIComponent(name)}`;
  const list = await call('GET', '/connectors');
  if (list.status !== 200) throw new Error(`GET /connectors: HTTP ${list.status}: ${message(list.body)}`);
  const names = list.body as string[];
  if (!names.includes(name))
    throw new UserError(
      `there is no connector named ${name} on Kafka Connect (${names.length ? `there are: ${names.join(', ')}` : 'there are none'}); name one with --name`,
      'CONNECTOR_UNKNOWN',
    );
  const steps: ResnapshotStep[] = [];
  const stop = await call('PUT', `${path}/stop`);
  if (stop.status >= 300) throw new Error(`PUT ${path}/stop: HTTP ${stop.status}: ${message(stop.body)}`);
  await waitState(call, name, 'STOPPED', timeoutMs);
  steps.push({ step: 'stop', detail: 'STOPPED' });
  const del = await call('DELETE', `${path}/offsets`);
  if (del.status >= 300)
    throw new UserError(
      `Kafka Connect refused to delete the offsets of ${name} (HTTP ${del.status}: ${message(del.body)}); the connector is left STOPPED: fix the cause and run this again, or resume it with PUT ${path}/resume`,
      'CONNECTOR_OFFSETS',
    );
  steps.push({ step: 'delete-offsets', detail: message(del.body) });
  const resume = await call('PUT', `${path}/resume`);
  if (resume.status >= 300)
    throw new Error(`PUT ${path}/resume: HTTP ${resume.status}: ${message(resume.body)}`);
  await waitState(call, name, 'RUNNING', timeoutMs);
  steps.push({ step: 'resume', detail: 'RUNNING: taking a new snapshot' });
  return steps;
}
