/**
 * Looks for anything secret in recorded API objects before they are written to the repository:
 * a field named like a password, secret or token that holds a value, a value that looks like a
 * Keystone token or a private key, cloud-init user data that sets a password, or one of the
 * secrets the caller knows (the cloud's password, the current token). It reports where, never
 * the value itself.
 */

export interface SecretFinding {
  /** Where in the document: `server.responses.server[0].OS-EXT-SRV-ATTR:user_data`. */
  path: string;
  reason: string;
}

// Key names whose value is a secret (password_expires_at and ignore_password_* are not: dates and booleans).
const SECRET_KEY = /(^|[_\-:.])(pass(word|wd|phrase)?|adminpass|secret|token|private_key|api_key|credential)s?($|[_\-:.])/i;
const NOT_SECRET_KEY = /(_expires_at|_at|_expiry|_id|_ids|_count|_ttl)$|^ignore_|^lock_password$|^multi_factor/i;
const FERNET = /gAAAAA[A-Za-z0-9_-]{60,}/;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const CLOUD_INIT_PASSWORD = /(^|\n)\s*(password|passwd|chpasswd|plain_text_passwd|hashed_passwd)\s*:/i;

function decodeUserData(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/=\s]+$/.test(value)) return undefined;
  return Buffer.from(value, 'base64').toString('utf8');
}

function checkString(path: string, key: string, value: string, known: readonly string[], found: SecretFinding[]): void {
  if (value !== '' && SECRET_KEY.test(key) && !NOT_SECRET_KEY.test(key)) found.push({ path, reason: `a field named "${key}" holds a value` });
  if (FERNET.test(value)) found.push({ path, reason: 'looks like a Keystone (fernet) token' });
  if (PRIVATE_KEY.test(value)) found.push({ path, reason: 'holds a private key' });
  for (const secret of known) {
    if (secret.length >= 4 && (value === secret || (secret.length >= 16 && value.includes(secret)))) found.push({ path, reason: 'holds a known secret of the cloud' });
  }
  if (/user_data$/i.test(key)) {
    const text = decodeUserData(value);
    if (text !== undefined && (CLOUD_INIT_PASSWORD.test(text) || PRIVATE_KEY.test(text))) found.push({ path, reason: 'user data that sets a password or holds a private key' });
  }
}

/**
 * Every finding in `value`. `known` are exact secrets (a password matches only as a whole value,
 * a long one such as a token anywhere inside a value).
 */
export function findSecrets(value: unknown, known: readonly string[] = [], path = '$', key = ''): SecretFinding[] {
  const found: SecretFinding[] = [];
  if (typeof value === 'string') checkString(path, key, value, known, found);
  else if (Array.isArray(value)) value.forEach((item, i) => found.push(...findSecrets(item, known, `${path}[${i}]`, key)));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) found.push(...findSecrets(v, known, `${path}.${k}`, k));
  }
  return found;
}
