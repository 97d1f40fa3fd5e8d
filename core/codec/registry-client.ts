import { authHeaders, type BasicAuth } from '../config/security.js';

/**
 * The schema registry through its Confluent-compatible API (Apicurio's /apis/ccompat/v7). Schemas are
 * immutable per id, so every id is fetched once and cached for the life of the process.
 */
/** The registry cannot answer now; the callers' retry waits it out (sinks/runtime/retry.ts). */
export class RegistryUnavailableError extends Error {
  readonly retriable = true;
}

export class RegistryClient {
  private readonly byId = new Map<number, Promise<string>>();

  private readonly auth: Record<string, string>;

  /** `auth`: the registry's basic-auth credentials (config.registry.auth), sent on every request. */
  constructor(
    private readonly ccompatUrl: string,
    auth?: BasicAuth,
  ) {
    this.auth = authHeaders(auth);
  }

  schemaById(id: number): Promise<string> {
    let p = this.byId.get(id);
    if (!p) {
      p = this.fetchSchema(id);
      this.byId.set(id, p);
      p.catch(() => this.byId.delete(id));
    }
    return p;
  }

  private async fetchSchema(id: number): Promise<string> {
    const what = `registry: GET /schemas/ids/${id}`;
    let res: Response;
    try {
      res = await fetch(`${this.ccompatUrl}/schemas/ids/${id}`, {
        headers: this.auth,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (e) {
      throw new RegistryUnavailableError(`${what}: ${(e as Error).message}`, { cause: e });
    }
    if (res.status === 404) throw new UnknownSchemaError(id);
    // 5xx: the registry or its storage is restarting (Apicurio answers 500 while its PostgreSQL is away).
    if (res.status >= 500 || res.status === 429)
      throw new RegistryUnavailableError(`${what}: HTTP ${res.status}`);
    if (!res.ok) throw new Error(`${what}: HTTP ${res.status}`);
    return ((await res.json()) as { schema: string }).schema;
  }

  /** Registers a schema under a subject; returns its id. Idempotent for an unchanged schema. */
  async register(subject: string, schema: object | string): Promise<number> {
    const res = await fetch(`${this.ccompatUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers: { ...this.auth, 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: typeof schema === 'string' ? schema : JSON.stringify(schema) }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`registry: register ${subject}: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: number }).id;
  }
}

export class UnknownSchemaError extends Error {
  readonly code = 'UNKNOWN_SCHEMA_ID';
  constructor(readonly id: number) {
    super(`schema id ${id} is not in the registry`);
  }
}
