import { Pager, type PageOptions } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/** Cinder attachments (the 3.27+ attachments API). Requires microversion 3.27. */

export interface Attachment {
  id: string;
  volume_id: string;
  /** The server id. */
  instance: string | null;
  status: string;
  attach_mode?: string;
}

export interface AttachmentListOptions extends PageOptions {
  all_tenants?: boolean;
  volume_id?: string;
}

const listURL = (c: ServiceClient): string => c.url('attachments');

export function list(client: ServiceClient, options: AttachmentListOptions = {}): Pager<Attachment> {
  const { pageSize, all_tenants, ...query } = options;
  return new Pager<Attachment>(client, listURL(client), {
    key: 'attachments', style: 'links', ...(pageSize ? { pageSize } : {}), query: { ...query, ...(all_tenants ? { all_tenants: 1 } : {}) },
  });
}
