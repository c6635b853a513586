/**
 * Keystone tokens of one simulated cloud: issue, look up, expire.
 *
 * Invariant: a token's roles are fixed when it is issued (like a Fernet token's payload), while
 * its lifetime comes from the fault config at issue time, so tests can shorten the TTL at run
 * time and see new tokens expire.
 */
import { newTokenId } from './ids.js';
import type { CloudStore } from './store.js';

export type TokenScope = { projectId: string } | { domainId: string } | null;

export interface Token {
  id: string;
  userId: string;
  scope: TokenScope;
  roleIds: string[];
  methods: string[];
  issuedAt: number;
  expiresAt: number;
  auditId: string;
  applicationCredentialId?: string | undefined;
}

/** What a service knows about the caller after validating X-Auth-Token. */
export interface AuthContext {
  token: Token;
  /** The project of a project-scoped token. */
  projectId: string | undefined;
  roleNames: string[];
  /** Holds the `admin` role on its scope: what Zed's default policies check for cloud-wide reads. */
  isAdmin: boolean;
}

export type TokenLookup = { ok: true; token: Token } | { ok: false; reason: 'unknown' | 'expired' };

export class TokenService {
  private readonly tokens = new Map<string, Token>();

  constructor(private readonly store: CloudStore, private readonly now: () => number = Date.now) {}

  issue(input: { userId: string; scope: TokenScope; roleIds: string[]; methods: string[]; ttlSeconds: number; expiresAt?: number; applicationCredentialId?: string }): Token {
    this.prune();
    const issuedAt = this.now();
    const token: Token = {
      id: newTokenId(), userId: input.userId, scope: input.scope, roleIds: input.roleIds, methods: input.methods,
      issuedAt, expiresAt: input.expiresAt ?? issuedAt + input.ttlSeconds * 1000,
      auditId: newTokenId().slice(6, 28), applicationCredentialId: input.applicationCredentialId,
    };
    this.tokens.set(token.id, token);
    return token;
  }

  lookup(id: string | undefined): TokenLookup {
    const token = id === undefined ? undefined : this.tokens.get(id);
    if (!token) return { ok: false, reason: 'unknown' };
    if (token.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, token };
  }

  /** The caller behind a valid token, or undefined (→ 401). */
  authenticate(id: string | undefined): AuthContext | undefined {
    const found = this.lookup(id);
    if (!found.ok) return undefined;
    const token = found.token;
    const user = this.store.users.get(token.userId);
    if (!user || !user.enabled) return undefined;
    const roleNames = token.roleIds.map((r) => this.store.roles.get(r)?.name).filter((n): n is string => n !== undefined);
    return {
      token, roleNames, isAdmin: roleNames.includes('admin'),
      projectId: token.scope && 'projectId' in token.scope ? token.scope.projectId : undefined,
    };
  }

  /** Drops expired tokens so a long sandbox session does not grow without bound. */
  private prune(): void {
    if (this.tokens.size < 1000) return;
    const now = this.now();
    for (const [id, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(id);
  }
}
