import { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/** Nova host aggregates. `uuid` from 2.41. Not paged. */

export interface Aggregate {
  id: number;
  uuid?: string;
  name: string;
  availability_zone: string | null;
  /** Compute host names. */
  hosts: string[];
  metadata: Record<string, string>;
}

const listURL = (c: ServiceClient): string => c.url('os-aggregates');

export function list(client: ServiceClient): Pager<Aggregate> {
  return new Pager<Aggregate>(client, listURL(client), { key: 'aggregates', style: 'single' });
}
