/**
 * The last guard before a state write: refuse when the document holds a secret we know (a
 * password from clouds.yaml, a token). Nothing should ever put one there; this catches the day
 * something does (an error message echoing a request body), before it reaches the disk.
 */

/** Fernet tokens (Keystone's default since Ocata) are long url-safe base64 starting "gAAAAA". */
const FERNET_PREFIX = 'gAAAAA';
const FERNET_TOKEN = /gAAAAA[A-Za-z0-9_-]{80,}/;

/**
 * Secrets this short would match ordinary words inside longer strings ("admin" in
 * "admin-net"), so below this length only a whole string value equal to the secret counts.
 */
const MIN_SUBSTRING_LENGTH = 8;

export interface SecretFinding {
  /** JSON pointer of the offending value ("/steps/create:…/error/message"); never the secret. */
  pointer: string;
  what: 'a known secret' | 'a Keystone token';
}

/** A matcher over the state's JSON text and its values; build once per store. */
export class SecretGuard {
  private readonly long: string[];
  private readonly short: Set<string>;

  constructor(secrets: Iterable<string>) {
    const known = [...secrets].filter((s) => s.length > 0);
    this.long = known.filter((s) => s.length >= MIN_SUBSTRING_LENGTH);
    this.short = new Set(known.filter((s) => s.length < MIN_SUBSTRING_LENGTH));
  }

  /**
   * `text` is `JSON.stringify(document)`: scanning it is one pass per secret, cheap enough for
   * every write; only when it hits is the document walked to say where.
   */
  find(document: unknown, text: string): SecretFinding | undefined {
    // The plain search first: scanning a large state with the regex on every write costs more.
    const suspicious = (text.includes(FERNET_PREFIX) && FERNET_TOKEN.test(text))
      || this.long.some((secret) => text.includes(jsonEscaped(secret)))
      || [...this.short].some((secret) => text.includes(JSON.stringify(secret)));
    return suspicious ? this.locate(document, '') : undefined;
  }

  private locate(value: unknown, pointer: string): SecretFinding | undefined {
    if (typeof value === 'string') return this.classify(value, pointer);
    if (value === null || typeof value !== 'object') return undefined;
    for (const [key, child] of Object.entries(value)) {
      const here = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      // Keys are strings written to disk too (step ids, addresses).
      const found = this.classify(key, here) ?? this.locate(child, here);
      if (found) return found;
    }
    return undefined;
  }

  private classify(value: string, pointer: string): SecretFinding | undefined {
    if (this.short.has(value) || this.long.some((secret) => value.includes(secret))) return { pointer, what: 'a known secret' };
    if (FERNET_TOKEN.test(value)) return { pointer, what: 'a Keystone token' };
    return undefined;
  }
}

/** The secret as it appears inside a JSON string literal (quotes, backslashes, controls escaped). */
function jsonEscaped(secret: string): string {
  return JSON.stringify(secret).slice(1, -1);
}

/**
 * Every secret pumphouse.yaml resolved: the clouds' (see authSecrets), the Fuel master's and the
 * BMCs' passwords, for `StateStore.open(path, holder, { secrets: configSecrets(config) })`.
 */
export function configSecrets(config: {
  source: Parameters<typeof authSecrets>[0];
  target: Parameters<typeof authSecrets>[0];
  fuel?: { password: string };
  hosts: Record<string, { bmc?: { password: string } }>;
}): string[] {
  const hardware = [config.fuel?.password, ...Object.values(config.hosts).map((h) => h.bmc?.password)];
  return [...authSecrets(config.source, config.target), ...hardware.filter((s): s is string => typeof s === 'string' && s.length > 0)];
}

/**
 * The secrets of the clouds' auth sections (shaped like CloudConfig.auth), for
 * `StateStore.open(path, holder, { secrets: authSecrets(source, target) })`.
 */
export function authSecrets(...clouds: Array<{ auth: { password?: string; token?: string; application_credential_secret?: string } }>): string[] {
  return clouds.flatMap(({ auth }) => [auth.password, auth.token, auth.application_credential_secret]).filter((s): s is string => typeof s === 'string' && s.length > 0);
}
