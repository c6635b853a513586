import type { PhCode } from '../../errors.js';
import { HTTP_CODES } from '../../http/codes.js';

/**
 * Error and warning codes of the OpenStack client (PH2xxx), the HTTP layer's included. Codes are
 * stable: operators and tests match on them, so never renumber one; add new ones instead.
 */
export const OPENSTACK_CODES = {
  ...HTTP_CODES,
  authFailed: 'PH2101',
  authConfig: 'PH2102',
  serviceNotInCatalog: 'PH2110',
  endpointNotFound: 'PH2111',
  versionDiscovery: 'PH2120',
  microversionUnsupported: 'PH2121',
  paginationLoop: 'PH2130',
} as const satisfies Record<string, PhCode>;

export type OpenStackCode = (typeof OPENSTACK_CODES)[keyof typeof OPENSTACK_CODES];
