import type { PhCode } from '../../errors.js';

/**
 * Error and warning codes of the OpenStack client (PH2xxx). Codes are stable: operators and
 * tests match on them, so never renumber one; add new ones instead.
 */
export const OPENSTACK_CODES = {
  tlsVerifyDisabled: 'PH2001',
  caBundleUnreadable: 'PH2002',
  connectionRefused: 'PH2010',
  hostNotFound: 'PH2011',
  timeout: 'PH2012',
  tlsFailure: 'PH2013',
  connectionFailed: 'PH2014',
  httpStatus: 'PH2100',
  authFailed: 'PH2101',
  authConfig: 'PH2102',
  serviceNotInCatalog: 'PH2110',
  endpointNotFound: 'PH2111',
  versionDiscovery: 'PH2120',
  microversionUnsupported: 'PH2121',
  paginationLoop: 'PH2130',
  badResponse: 'PH2131',
  responseTooLarge: 'PH2132',
} as const satisfies Record<string, PhCode>;

export type OpenStackCode = (typeof OPENSTACK_CODES)[keyof typeof OPENSTACK_CODES];
