import { authHeaders, type BasicAuth } from '../../core/config/security.js';
/** Facts about Kafka Connect: its version and the plugins installed. The only I/O of the Connect checks. */
export interface ConnectFacts {
  url: string;
  version: string | undefined;
  plugins: Array<{ className: string; type: string; version: string }>;
}

async function getJson<T>(url: string, headers: Record<string, string>): Promise<T> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export async function gatherConnect(url: string, auth?: BasicAuth): Promise<ConnectFacts> {
  const headers = authHeaders(auth);
  const root = await getJson<{ version?: string }>(`${url}/`, headers);
  // connectorsOnly=false adds converters and transforms (Connect 3.2+); older workers ignore it.
  const plugins = await getJson<Array<{ class: string; type: string; version?: string }>>(
    `${url}/connector-plugins?connectorsOnly=false`,
    headers,
  );
  return {
    url,
    version: root.version,
    plugins: plugins.map((p) => ({ className: p.class, type: p.type, version: p.version ?? '' })),
  };
}
