/** Facts about Kafka Connect: its version and the plugins installed. The only I/O of the Connect checks. */
export interface ConnectFacts {
  url: string;
  version: string | undefined;
  plugins: Array<{ className: string; type: string; version: string }>;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export async function gatherConnect(url: string): Promise<ConnectFacts> {
  const root = await getJson<{ version?: string }>(`${url}/`);
  // connectorsOnly=false adds converters and transforms (Connect 3.2+); older workers ignore it.
  const plugins = await getJson<Array<{ class: string; type: string; version?: string }>>(
    `${url}/connector-plugins?connectorsOnly=false`,
  );
  return {
    url,
    version: root.version,
    plugins: plugins.map((p) => ({ className: p.class, type: p.type, version: p.version ?? '' })),
  };
}
