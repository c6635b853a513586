import type { AuthOptions, AuthType } from '../../config/types.js';
import { PumphouseError } from '../../errors.js';
import { OPENSTACK_CODES } from '../http/codes.js';
import { HttpError } from '../../http/errors.js';
import { AuthenticationError } from '../http/errors.js';
import type { Transport } from '../../http/transport.js';
import type { CatalogEntry } from './catalog.js';

/**
 * Keystone v3 authentication (POST /v3/auth/tokens): password, token and application credential.
 * Invariant: the request body (which holds the secret) never leaves this module: it is not part
 * of any error, and the secrets are registered with the cloud's Redactor before the call.
 */

export interface NamedRef {
  id: string;
  name: string;
}

export interface TokenInfo {
  expiresAt: Date;
  issuedAt: Date | undefined;
  methods: string[];
  user: NamedRef & { domain?: NamedRef };
  /** Present for project-scoped tokens. */
  project?: NamedRef & { domain?: NamedRef };
  /** Present for domain-scoped tokens. */
  domain?: NamedRef;
  roles: NamedRef[];
  /** Empty for unscoped tokens. */
  catalog: CatalogEntry[];
}

export interface AuthResult {
  /** The X-Subject-Token. Secret. */
  token: string;
  info: TokenInfo;
}

/** auth_url with "/v3" (keystone's v3 root): clouds.yaml often gives the bare host. */
export function identityV3Url(authUrl: string): string {
  const url = authUrl.replace(/\/+$/, '');
  return /\/v3$/.test(url) ? url : `${url}/v3`;
}

function configError(message: string): PumphouseError {
  return new PumphouseError(OPENSTACK_CODES.authConfig, message, { hint: 'fix the auth section of this cloud in clouds.yaml' });
}

function domainRef(id: string | undefined, name: string | undefined): { id: string } | { name: string } | undefined {
  if (id) return { id };
  if (name) return { name };
  return undefined;
}

function scopeOf(auth: AuthOptions): Record<string, unknown> | undefined {
  if (auth.project_id) return { project: { id: auth.project_id } };
  if (auth.project_name) {
    // Keystone needs the project's domain; like keystoneauth, fall back to the user's domain.
    const domain = domainRef(auth.project_domain_id, auth.project_domain_name) ?? domainRef(auth.user_domain_id, auth.user_domain_name);
    if (!domain) throw configError(`project_name "${auth.project_name}" needs project_domain_name or project_domain_id`);
    return { project: { name: auth.project_name, domain } };
  }
  const domain = domainRef(auth.domain_id, auth.domain_name);
  return domain ? { domain } : undefined;
}

/**
 * The JSON body of the auth request. Secret: never log or embed it.
 * @throws PumphouseError PH2102 when the options do not say who is authenticating.
 */
export function buildAuthBody(authType: AuthType, auth: AuthOptions): { auth: Record<string, unknown> } {
  if (authType === 'token' || authType === 'v3token') {
    if (!auth.token) throw configError('auth_type token needs auth.token');
    const scope = scopeOf(auth);
    return { auth: { identity: { methods: ['token'], token: { id: auth.token } }, ...(scope ? { scope } : {}) } };
  }
  if (authType === 'v3applicationcredential' || authType === 'application_credential') {
    if (!auth.application_credential_secret) throw configError('an application credential needs application_credential_secret');
    let credential: Record<string, unknown>;
    if (auth.application_credential_id) {
      credential = { id: auth.application_credential_id, secret: auth.application_credential_secret };
    } else if (auth.application_credential_name) {
      const user = auth.user_id
        ? { id: auth.user_id }
        : auth.username
          ? { name: auth.username, domain: domainRef(auth.user_domain_id, auth.user_domain_name) ?? { id: 'default' } }
          : undefined;
      if (!user) throw configError('application_credential_name needs username (and user_domain_name) or user_id');
      credential = { name: auth.application_credential_name, secret: auth.application_credential_secret, user };
    } else {
      throw configError('an application credential needs application_credential_id or application_credential_name');
    }
    // Application credentials carry their own scope; keystone rejects an explicit one.
    return { auth: { identity: { methods: ['application_credential'], application_credential: credential } } };
  }
  if (auth.password === undefined) throw configError('auth_type password needs auth.password');
  let user: Record<string, unknown>;
  if (auth.user_id) {
    user = { id: auth.user_id, password: auth.password };
  } else if (auth.username) {
    const domain = domainRef(auth.user_domain_id, auth.user_domain_name);
    if (!domain) throw configError(`username "${auth.username}" needs user_domain_name or user_domain_id`);
    user = { name: auth.username, domain, password: auth.password };
  } else {
    throw configError('auth_type password needs username or user_id');
  }
  const scope = scopeOf(auth);
  return { auth: { identity: { methods: ['password'], password: { user } }, ...(scope ? { scope } : {}) } };
}

/** Who is authenticating, for messages: names and ids only. */
export function describePrincipal(authType: AuthType, auth: AuthOptions): string {
  if (auth.application_credential_id) return `application credential ${auth.application_credential_id}`;
  if (auth.application_credential_name) return `application credential "${auth.application_credential_name}"`;
  if (authType === 'token' || authType === 'v3token') return 'the configured token';
  const domain = auth.user_domain_name ?? auth.user_domain_id;
  return auth.user_id ? `user id ${auth.user_id}` : `user "${auth.username ?? '?'}"${domain ? ` (domain ${domain})` : ''}`;
}

interface RawToken {
  token: {
    expires_at: string;
    issued_at?: string;
    methods?: string[];
    user: NamedRef & { domain?: NamedRef };
    project?: NamedRef & { domain?: NamedRef };
    domain?: NamedRef;
    roles?: NamedRef[];
    catalog?: CatalogEntry[];
  };
}

/**
 * Issues a token.
 * @throws AuthenticationError when keystone refuses (4xx); its message names the principal, never the secret.
 */
export async function authenticate(transport: Transport, authUrl: string, authType: AuthType, auth: AuthOptions): Promise<AuthResult> {
  for (const secret of [auth.password, auth.application_credential_secret, auth.token]) transport.redactor.add(secret);
  const body = buildAuthBody(authType, auth);
  const url = `${identityV3Url(authUrl)}/auth/tokens`;
  let res: Awaited<ReturnType<typeof transport.send<RawToken>>>;
  try {
    // Issuing a second token is harmless, so this POST may be retried on 5xx and resets.
    res = await transport.send<RawToken>({ service: 'identity', method: 'POST', url, displayPath: '/auth/tokens', body, okCodes: [201], retrySafe: true });
  } catch (error) {
    if (error instanceof HttpError && error.status >= 400 && error.status < 500) {
      throw new AuthenticationError(
        { cloud: error.cloud, service: error.service, method: error.method, url: error.url, path: error.path },
        { status: error.status, statusText: error.statusText, expected: error.expected, ...(error.requestId ? { requestId: error.requestId } : {}), ...(error.serverMessage ? { serverMessage: error.serverMessage } : {}) },
        describePrincipal(authType, auth),
      );
    }
    throw error;
  }
  const token = res.headers['x-subject-token'];
  const raw = res.data?.token;
  if (!token || !raw) throw new PumphouseError(OPENSTACK_CODES.badResponse, `identity POST ${url}: no token in the answer`, { hint: 'is auth_url a keystone v3 endpoint?' });
  transport.redactor.add(token);
  return {
    token,
    info: {
      expiresAt: new Date(raw.expires_at),
      issuedAt: raw.issued_at ? new Date(raw.issued_at) : undefined,
      methods: raw.methods ?? [],
      user: raw.user,
      ...(raw.project ? { project: raw.project } : {}),
      ...(raw.domain ? { domain: raw.domain } : {}),
      roles: raw.roles ?? [],
      catalog: raw.catalog ?? [],
    },
  };
}
