import { authHeaders, type BasicAuth } from '../core/config/security.js';

/**
 * The Kafka Connect REST API, as Starling uses it. Registration is idempotent: PUT /connectors/{name}/config
 * creates the connector or replaces its config, so registering twice is not an error.
 */
export interface ConnectorStatus {
  name: string;
  connector: { state: string; worker_id: string; trace?: string };
  tasks: Array<{ id: number; state: string; worker_id: string; trace?: string }>;
}

export class ConnectApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ConnectApiError';
  }
}

export class ConnectApi {
  private readonly auth: Record<string, string>;

  /** `auth`: the REST API's basic-auth credentials (config.connect.auth), sent on every request. */
  constructor(
    private readonly baseUrl: string,
    auth?: BasicAuth,
  ) {
    this.auth = authHeaders(auth);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? this.auth : { ...this.auth, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new ConnectApiError(`${method} ${path}: HTTP ${res.status}: ${message}`, res.status);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Creates or updates; returns true when the connector did not exist before. */
  async upsert(name: string, config: Record<string, string>): Promise<boolean> {
    const existed = (await this.list()).includes(name);
    await this.call('PUT', `/connectors/${encodeURIComponent(name)}/config`, config);
    return !existed;
  }

  list(): Promise<string[]> {
    return this.call('GET', '/connectors');
  }

  status(name: string): Promise<ConnectorStatus> {
    return this.call('GET', `/connectors/${encodeURIComponent(name)}/status`);
  }

  /** Restarts a connector instance (not its tasks). */
  async restartConnector(name: string): Promise<void> {
    await this.call('POST', `/connectors/${encodeURIComponent(name)}/restart`);
  }

  async restartTask(name: string, task: number): Promise<void> {
    await this.call('POST', `/connectors/${encodeURIComponent(name)}/tasks/${task}/restart`);
  }

  async delete(name: string): Promise<void> {
    try {
      await this.call('DELETE', `/connectors/${encodeURIComponent(name)}`);
    } catch (e) {
      if (!(e instanceof ConnectApiError && e.status === 404)) throw e;
    }
  }

  /** Validates a config against the plugin; returns every error Connect reports, by field. */
  async validate(connectorClass: string, config: Record<string, string>): Promise<string[]> {
    const plugin = connectorClass.split('.').pop()!;
    const res = await this.call<{ configs: Array<{ value: { name: string; errors: string[] } }> }>(
      'PUT',
      `/connector-plugins/${plugin}/config/validate`,
      config,
    );
    return res.configs.flatMap((c) => c.value.errors.map((e) => `${c.value.name}: ${e}`));
  }
}
