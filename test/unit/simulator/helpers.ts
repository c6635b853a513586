// Shared helpers for the simulator tests: plain node fetch against the running sandbox, so the
// tests never go through Pumphouse's own OpenStack client.
import type { Sandbox, SimCloudInfo } from '../../../src/simulator/sandbox.js';

export interface Login { token: string; body: { token: Record<string, unknown> }; status: number }

/** Keystone password auth; scoped to `project` (default: the cloud's admin project). */
export async function login(info: SimCloudInfo, opts: { user?: string; password?: string; project?: string | null; domain?: string } = {}): Promise<Login> {
  const scope = opts.project === null ? undefined : { project: { name: opts.project ?? info.projectName, domain: { name: opts.domain ?? 'Default' } } };
  const res = await fetch(`${info.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: { identity: { methods: ['password'], password: { user: { name: opts.user ?? info.username, domain: { name: opts.domain ?? info.userDomainName }, password: opts.password ?? info.password } } }, ...(scope ? { scope } : {}) },
    }),
  });
  return { token: res.headers.get('x-subject-token') ?? '', body: (await res.json()) as Login['body'], status: res.status };
}

/** `http://127.0.0.1:<port>` of a simulated cloud. */
export function originOf(info: SimCloudInfo): string {
  return info.authUrl.replace(/\/identity\/v3$/, '');
}

export async function getJson(url: string, token: string | undefined, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, { headers: { ...(token ? { 'x-auth-token': token } : {}), ...headers } });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML error pages stay text
  }
  return { status: res.status, headers: res.headers, body };
}

/** An answer of a simulated service: its JSON body, or its text where it is not JSON (an HTML error page). */
export interface Reply { status: number; headers: Headers; body: any }

export type Send = (method: string, url: string, token: string, body?: unknown, headers?: Record<string, string>) => Promise<Reply>;

/**
 * Plain HTTP to a simulated service as a client speaks it: the token, a JSON body, and the
 * headers a test file sends with every request (`defaults`: a microversion) unless a call gives
 * its own, which replace them.
 */
export function sender(defaults: Record<string, string> = {}): Send {
  return async (method, url, token, body, headers = defaults) => {
    const res = await fetch(url, {
      method, headers: { 'x-auth-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // HTML error pages stay text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
}

/** Follows a `rel=next` link chain and returns every item with the pages' sizes. */
export async function walkPages(first: string, token: string, key: string, next: (body: any) => string | undefined, headers: Record<string, string> = {}): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let url: string | undefined = first;
  let pages = 0;
  while (url) {
    const res = await getJson(url, token, headers);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
    items.push(...(res.body[key] as any[]));
    pages++;
    if (pages > 10_000) throw new Error('paging does not end');
    url = next(res.body);
  }
  return { items, pages };
}

export const linkNext = (key: string) => (body: any): string | undefined =>
  (body[`${key}_links`] as { rel: string; href: string }[] | undefined)?.find((l) => l.rel === 'next')?.href;

export type { Sandbox };
