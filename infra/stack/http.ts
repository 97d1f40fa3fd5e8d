/**
 * Small JSON-over-HTTP helpers for the REST APIs of Kafka Connect and the registry. `headers`: their basic
 * auth (core/config/security.ts authHeaders), so a secured external service does not look unreachable.
 */
export async function httpOk(
  url: string,
  timeoutMs = 2000,
  headers: Record<string, string> = {},
): Promise<boolean> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export async function getJson<T>(
  url: string,
  timeoutMs = 5000,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
