import { Pager } from '../http/paginate.js';
import type { ServiceClient } from '../http/service-client.js';

/**
 * Nova availability zones with their hosts (GET /os-availability-zone/detail, admin). The
 * "internal" zone holds the control services. `hosts` is null for a zone without services.
 */

export interface AvailabilityZone {
  zoneName: string;
  zoneState: { available: boolean };
  /** host → service binary → state. */
  hosts: Record<string, Record<string, { available: boolean; active: boolean; updated_at: string | null }>> | null;
}

const detailURL = (c: ServiceClient): string => c.url('os-availability-zone', 'detail');

export function list(client: ServiceClient): Pager<AvailabilityZone> {
  return new Pager<AvailabilityZone>(client, detailURL(client), { key: 'availabilityZoneInfo', style: 'single' });
}
