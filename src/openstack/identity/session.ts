import { InternalError } from '../../errors.js';
import type { TokenSource } from '../../http/transport.js';
import type { AuthResult, TokenInfo } from './auth.js';

/**
 * Holds a cloud's token and renews it: shortly before it expires, and when a service answers 401
 * (the transport calls invalidate). Concurrent callers share one re-authentication.
 */

export interface SessionOptions {
  /** Renew this long before expires_at, so a long listing does not start with a dying token. @default 120000 */
  refreshBeforeMs?: number;
  /** @default Date.now */
  now?: () => number;
}

export class Session implements TokenSource {
  private current: AuthResult | undefined;
  private pending: Promise<AuthResult> | undefined;
  private readonly refreshBeforeMs: number;
  private readonly now: () => number;
  /** How many times a token was issued (1 after connect); for tests and metrics. */
  authentications = 0;

  constructor(private readonly login: () => Promise<AuthResult>, options: SessionOptions = {}) {
    this.refreshBeforeMs = options.refreshBeforeMs ?? 120_000;
    this.now = options.now ?? Date.now;
  }

  /** The current token's details. @throws Error before the first token() */
  get info(): TokenInfo {
    if (!this.current) throw new InternalError('the session is used before it authenticated');
    return this.current.info;
  }

  async token(): Promise<string> {
    const current = this.current;
    if (current && current.info.expiresAt.getTime() - this.now() > this.window(current)) return current.token;
    return (await this.renew()).token;
  }

  /** At most half the token's lifetime, so a short-lived token is not renewed on every call. */
  private window(current: AuthResult): number {
    const issued = current.info.issuedAt?.getTime();
    const lifetime = issued === undefined ? Infinity : current.info.expiresAt.getTime() - issued;
    return Math.min(this.refreshBeforeMs, lifetime / 2);
  }

  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private renew(): Promise<AuthResult> {
    this.pending ??= this.login().then(
      (result) => {
        this.current = result;
        this.authentications += 1;
        this.pending = undefined;
        return result;
      },
      (error: unknown) => {
        this.pending = undefined;
        throw error;
      },
    );
    return this.pending;
  }
}
