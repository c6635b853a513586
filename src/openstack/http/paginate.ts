import { PumphouseError } from '../../errors.js';
import { OPENSTACK_CODES } from './codes.js';
import type { QueryParams, ServiceClient } from './service-client.js';

/**
 * Async-iterable pagers (gophercloud's pagination package). Each iteration yields one page of
 * items; `collectAll()` gathers them. Styles:
 * - `links`: nova, neutron, cinder: `<key>_links: [{rel: "next", href}]` on every page but the last.
 * - `glance`: `next: "/v2/images?marker=…"`, relative to the service root (not to /v2).
 * - `marker`: `limit` + `marker=<last id>` without links; stops at the first empty page, because a
 *   server may cap `limit` below what we asked for (nova/cinder osapi_max_limit) and a short page
 *   does not mean the last one.
 * - `offset`: `limit` + `offset`, same stop rule (nova server groups).
 * - `single`: one request, no paging parameters (keystone, os-services, aggregates).
 */

export type PagingStyle = 'links' | 'glance' | 'marker' | 'offset' | 'single';

/** @default 1000, the usual server-side cap (nova/cinder osapi_max_limit). */
export const DEFAULT_PAGE_SIZE = 1000;

export interface PageOptions {
  /** Items per page asked of the server (it may return fewer). @default 1000 */
  pageSize?: number;
}

export interface PagerInit<T> extends PageOptions {
  /** The body's array key ("servers"); for `links` also the prefix of "<key>_links". */
  key: string;
  style: PagingStyle;
  query?: QueryParams;
  /** Turns a raw item into the typed one (e.g. glance's free-form properties). @default identity */
  map?: (raw: unknown) => T;
  /** For `marker`: the marker value of an item. @default item.id */
  markerOf?: (item: T) => string;
}

export class Pager<T> implements AsyncIterable<T[]> {
  constructor(
    private readonly client: ServiceClient,
    private readonly path: string,
    private readonly init: PagerInit<T>,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<T[]> {
    const { style, key } = this.init;
    const limit = this.init.pageSize ?? DEFAULT_PAGE_SIZE;
    const seen = new Set<string>();
    let next: { path: string; query?: QueryParams } | undefined = {
      path: this.path,
      query: style === 'single' ? this.init.query : { ...this.init.query, limit, ...(style === 'offset' ? { offset: 0 } : {}) },
    };
    let offset = 0;
    let previousFirst: string | undefined;
    while (next) {
      const { url } = this.client.resolve(next.path, next.query);
      if (seen.has(url)) throw this.loopError(next.path, next.query);
      seen.add(url);
      // Pages after the first continue a walk already under way: they go ahead of new calls, so a
      // long listing (the critical path of a discovery) does not queue behind many short ones.
      const priority = seen.size > 1 ? 'continuation' : 'normal';
      const body = await this.client.get<Record<string, unknown>>(next.path, { ...(next.query ? { query: next.query } : {}), priority });
      const raw = body?.[key];
      if (!Array.isArray(raw)) {
        throw new PumphouseError(OPENSTACK_CODES.badResponse, `${this.client.service} ${next.path}: the answer has no "${key}" list`);
      }
      const page = this.init.map ? raw.map(this.init.map) : (raw as T[]);
      // A service that ignores marker/offset returns the first page forever with a new URL each time.
      const first = page.length > 0 ? JSON.stringify(page[0]) : undefined;
      if (first !== undefined && first === previousFirst) throw this.loopError(next.path, next.query);
      previousFirst = first;
      if (page.length > 0) yield page;
      next = undefined;
      if (page.length === 0) break;
      if (style === 'links') {
        const href = nextLink(body[`${key}_links`]);
        if (href) next = { path: rebase(href, this.client.baseUrl) };
      } else if (style === 'glance') {
        if (typeof body.next === 'string') next = { path: `${glanceRoot(this.client.baseUrl)}${body.next}` };
      } else if (style === 'marker') {
        const last = page[page.length - 1] as T;
        const marker = this.init.markerOf ? this.init.markerOf(last) : (last as { id: string }).id;
        next = { path: this.path, query: { ...this.init.query, limit, marker } };
      } else if (style === 'offset') {
        offset += page.length;
        next = { path: this.path, query: { ...this.init.query, limit, offset } };
      }
    }
  }

  private loopError(path: string, query: QueryParams | undefined): PumphouseError {
    return new PumphouseError(OPENSTACK_CODES.paginationLoop, `${this.client.service} ${this.client.resolve(path, query).displayPath}: the service returned the same page twice`, {
      hint: 'the service ignores the paging parameters; report this with the service version',
    });
  }

  /** Every item of every page, in the server's order. */
  collectAll(): Promise<T[]> {
    return collectAll(this);
  }
}

/** Gathers all pages of any pager. */
export async function collectAll<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) for (const item of page) all.push(item);
  return all;
}

function nextLink(links: unknown): string | undefined {
  if (!Array.isArray(links)) return undefined;
  for (const link of links as Array<{ rel?: unknown; href?: unknown }>) {
    if (link?.rel === 'next' && typeof link.href === 'string') return link.href;
  }
  return undefined;
}

/**
 * Services build next links from their own idea of their URL, which behind a TLS-terminating
 * proxy is often http:// or an internal host. Keep the link's path and query, but send it to the
 * endpoint we were given.
 */
function rebase(href: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  const link = new URL(href, base);
  link.protocol = base.protocol;
  link.host = base.host;
  return link.toString();
}

/** Glance's `next` starts with "/v2/…": resolve it against the endpoint without its /v2. */
function glanceRoot(baseUrl: string): string {
  return baseUrl.replace(/\/v2(\.\d+)?$/, '');
}
