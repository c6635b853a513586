import { byCloud, type ApiField } from '../schema.js';

/** Fields every Neutron object has that are the cloud's own bookkeeping. */
export const NEUTRON_BOOKKEEPING: Readonly<Record<string, ApiField>> = {
  created_at: byCloud('creation time'),
  updated_at: byCloud('update time'),
  revision_number: byCloud('Neutron’s revision counter'),
  project_id: byCloud('the owner, recorded as the resource’s project'),
  tenant_id: byCloud('the owner, recorded as the resource’s project'),
  standard_attr_id: byCloud('Neutron’s internal id'),
};
