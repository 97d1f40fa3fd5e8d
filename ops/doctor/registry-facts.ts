/**
 * Facts about the schema registry through its Confluent-compatible API: the global compatibility level and
 * the level of each subject under Starling's topic prefix. The only I/O of the registry checks.
 */
import type { StarlingConfig } from '../../core/config/load.js';
import { authHeaders } from '../../core/config/security.js';

export interface RegistryFacts {
  /** the ccompat API's URL */
  url: string;
  global: string;
  subjects: Array<{ subject: string; level: string }>;
}

async function getJson<T>(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: T | undefined }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok && res.status !== 404) throw new Error(`GET ${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return { status: res.status, body: res.ok && text ? (JSON.parse(text) as T) : undefined };
}

/** Whether a subject belongs to Starling's topics under this configuration. */
export function isStarlingSubject(config: StarlingConfig, subject: string): boolean {
  return (
    subject.startsWith(`${config.topics.prefix}.`) ||
    subject.startsWith(`${config.pipeline.conformedPrefix}.`)
  );
}

export async function gatherRegistry(config: StarlingConfig): Promise<RegistryFacts> {
  const headers = authHeaders(config.registry.auth);
  const base = config.registry.ccompatUrl;
  const global = (await getJson<{ compatibilityLevel?: string }>(`${base}/config`, headers)).body
    ?.compatibilityLevel;
  const all = (await getJson<string[]>(`${base}/subjects`, headers)).body ?? [];
  const mine = all.filter((s) => isStarlingSubject(config, s)).sort();
  const subjects: RegistryFacts['subjects'] = [];
  // A few requests at a time: a prefix can have hundreds of subjects.
  for (let i = 0; i < mine.length; i += 8) {
    const batch = await Promise.all(
      mine.slice(i, i + 8).map(async (subject) => {
        // Confluent answers 404 for a subject without its own level (it inherits the global one); Apicurio
        // answers with the global level.
        const r = await getJson<{ compatibilityLevel?: string }>(
          `${base}/config/${encodeURIComponent(subject)}`,
          headers,
        );
        return { subject, level: r.body?.compatibilityLevel ?? global ?? 'BACKWARD' };
      }),
    );
    subjects.push(...batch);
  }
  // Confluent's default when nothing is configured is BACKWARD.
  return { url: base, global: global ?? 'BACKWARD', subjects };
}
