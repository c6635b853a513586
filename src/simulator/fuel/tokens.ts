/**
 * Nailgun's fake keystone (fake_keystone/handlers.py): one user, tokens `"token" + unixtime`
 * (suffixed when two are issued in the same second, so expiring one does not expire the other).
 */
export interface FuelUser {
  username: string;
  password: string;
  tenantName: string;
}

export class FakeKeystone {
  private readonly tokens = new Map<string, number>();
  private issued = 0;

  constructor(private readonly user: FuelUser, private readonly ttlMs: number, private readonly now: () => number) {}

  /** POST /keystone/v2.0/tokens: [status, body]. */
  issue(body: unknown): [number, unknown] {
    const auth = (body as { auth?: { passwordCredentials?: { username?: unknown; password?: unknown }; tenantName?: unknown } } | undefined)?.auth;
    const creds = auth?.passwordCredentials;
    if (!creds || typeof creds.username !== 'string' || typeof creds.password !== 'string') {
      return [400, { error: { code: 400, title: 'Bad Request', message: 'Expecting to find passwordCredentials in auth' } }];
    }
    if (creds.username !== this.user.username || creds.password !== this.user.password) {
      return [401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }];
    }
    const issuedAt = this.now();
    this.issued += 1;
    const base = `token${Math.floor(issuedAt / 1000)}`;
    const id = this.tokens.has(base) ? `${base}-${this.issued}` : base;
    const expires = issuedAt + this.ttlMs;
    this.tokens.set(id, expires);
    const tenant = typeof auth?.tenantName === 'string' ? auth.tenantName : this.user.tenantName;
    return [200, {
      access: {
        token: { id, expires: new Date(expires).toISOString(), issued_at: new Date(issuedAt).toISOString(), tenant: { id: 'admin-tenant', name: tenant, enabled: true, description: null } },
        serviceCatalog: [],
        user: { id: 'admin-user', name: this.user.username, username: this.user.username, roles: [{ name: 'admin' }], roles_links: [] },
        metadata: { is_admin: 0, roles: ['admin-role'] },
      },
    }];
  }

  valid(token: string | undefined): boolean {
    if (token === undefined) return false;
    const expires = this.tokens.get(token);
    return expires !== undefined && expires > this.now();
  }

  /** Fault: every token issued so far is refused from now on. */
  expireAll(): void {
    this.tokens.clear();
  }
}
