/**
 * Removes secrets from text before it reaches an error, an event or a log line.
 *
 * Two layers: patterns that recognise secret-bearing headers and JSON/form fields whatever their
 * value, and a per-cloud list of known secret values (the configured password, application
 * credential secret, token, and every token Keystone issued) that are masked wherever they appear,
 * even in a server's free-text error message.
 */
export const REDACTED = '***';

// Header form ("X-Auth-Token: gAAA…") and JSON/query form ("x-auth-token":"gAAA…").
const SECRET_HEADER = /\b(x-auth-token|x-subject-token|x-service-token|authorization|cookie)(["']?\s*[:=]\s*["']?)([^\s"',;}&]+)/gi;
// JSON/YAML/query fields whose value is secret. Matches "password": "…", password=…, secret: …
const SECRET_FIELD =
  /(["']?\b(?:password|original_password|secret|application_credential_secret|client_secret|admin_?pass|adminPass|auth_token|token|user_data|private_key)["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;}&]+)/gi;

/**
 * Masks secrets in `text`. `secrets` are literal values to mask as well (empty strings ignored).
 * Invariant: the result never contains any of `secrets`, nor the value of a secret header/field.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text.replace(SECRET_HEADER, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
  out = out.replace(SECRET_FIELD, (_m, key: string, value: string) => {
    // An object value ("token": {"id": …}) is structure, not a secret: keep it readable.
    if (value.startsWith('{')) return `${key}${value}`;
    const quote = value.startsWith('"') ? '"' : value.startsWith("'") ? "'" : '';
    return `${key}${quote}${REDACTED}${quote}`;
  });
  // Longest first, so a secret that contains another is masked whole.
  const known = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  for (const secret of known) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * The secrets of one cloud connection. Tokens are added as Keystone issues them, so a token echoed
 * back by a service ("Could not find token: gAAA…") is masked too.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(initial: Iterable<string | undefined> = []) {
    for (const s of initial) this.add(s);
  }

  add(secret: string | undefined): void {
    if (secret) this.secrets.add(secret);
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }
}
