import { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/**
 * A server's volume attachments as nova sees them (device names, boot order). `tag` from 2.70,
 * `delete_on_termination` from 2.79, `attachment_id`/`bdm_uuid` from 2.89.
 */

export interface VolumeAttachment {
  id: string;
  volumeId: string;
  serverId: string;
  device: string | null;
  tag?: string | null;
  delete_on_termination?: boolean;
}

const listURL = (c: ServiceClient, serverId: string): string => c.url('servers', serverId, 'os-volume_attachments');

export function list(client: ServiceClient, serverId: string): Pager<VolumeAttachment> {
  return new Pager<VolumeAttachment>(client, listURL(client, serverId), { key: 'volumeAttachments', style: 'single' });
}
