import { PumphouseError } from '../errors.js';
import type { Transport, TokenSource } from '../http/transport.js';
import { FUEL_CODES } from './codes.js';
import { FUEL_KEYSTONE_SERVICE, asFuelError } from './errors.js';

/**
 * Tokens from the Fuel master's Keystone v2.0 (`<fuel>/keystone/v2.0/tokens`, proxied by nginx),
 * as both fuelclients get them. Renewed shortly before `expires` and whenever Nailgun answers 401
 * (the transport calls invalidate()); concurrent callers share one login.
 */

export interface FuelCredentials {
  username: string;
  password: string;
  /** @default "admin" */
  tenantName?: string;
}

/** Renew this long before `expires`, so a long poll does not start with a dying token. */
const REFRESH_BEFORE_MS = 60_000;

interface IssuedToken {
  id: string;
  expiresAt: number;
}

export class KeystoneV2Session implements TokenSource {
  private current: IssuedToken | undefined;
  private pending: Promise<IssuedToken> | undefined;
  /** Tokens issued so far, for tests and metrics. */
  authentications = 0;

  constructor(
    private readonly transport: Transport,
    private readonly baseUrl: string,
    private readonly credentials: FuelCredentials,
    private readonly now: () => number = Date.now,
  ) {}

  async token(): Promise<string> {
    const current = this.current;
    if (current && current.expiresAt - this.now() > REFRESH_BEFORE_MS) return current.id;
    this.pending ??= this.login().finally(() => {
      this.pending = undefined;
    });
    return (await this.pending).id;
  }

  invalidate(token: string): void {
    if (this.current?.id === token) this.current = undefined;
  }

  private async login(): Promise<IssuedToken> {
    const path = '/keystone/v2.0/tokens';
    const body = {
      auth: {
        passwordCredentials: { username: this.credentials.username, password: this.credentials.password },
        tenantName: this.credentials.tenantName ?? 'admin',
      },
    };
    let data: unknown;
    try {
      ({ data } = await this.transport.send<unknown>({
        service: FUEL_KEYSTONE_SERVICE, method: 'POST', url: `${this.baseUrl}${path}`, displayPath: path, body, okCodes: [200], retrySafe: true,
      }));
    } catch (error) {
      throw asFuelError(error, `POST ${path}`);
    }
    const token = (data as { access?: { token?: { id?: unknown; expires?: unknown } } } | undefined)?.access?.token;
    if (!token || typeof token.id !== 'string' || token.id === '') {
      throw new PumphouseError(FUEL_CODES.badResponse, `Fuel POST ${path}: the answer has no access.token.id`, {
        hint: 'the URL may not point at the Fuel master; fuel\'s keystone is proxied at <master>:8000/keystone',
      });
    }
    this.transport.redactor.add(token.id);
    const expires = typeof token.expires === 'string' ? Date.parse(token.expires) : Number.NaN;
    // Without a readable expiry the token is kept until Nailgun refuses it (401 → invalidate).
    const issued = { id: token.id, expiresAt: Number.isNaN(expires) ? Number.POSITIVE_INFINITY : expires };
    this.current = issued;
    this.authentications += 1;
    return issued;
  }
}
