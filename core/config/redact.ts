/** Secrets never reach a log or an error message: passwords in URLs are masked before anything prints them. */
export function redactUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) u.searchParams.set(key, '***');
    }
    const out = u.toString();
    return value.endsWith('/') || !out.endsWith('/') ? out : out.slice(0, -1);
  } catch {
    return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

/** Masks every secret-looking substring of free text (a driver's error can echo a connection string). */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]+):[^@\s]*@/gi, '$1:***@');
  // A JAAS login (Kafka's sasl.jaas.config, as Connect may echo a connector's config): password="...".
  out = out.replace(/(\bpassword=)"(?:[^"\\]|\\.)*"/gi, '$1"***"');
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}
