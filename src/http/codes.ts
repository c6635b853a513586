import type { PhCode } from '../errors.js';

/**
 * Error and warning codes of the HTTP layer every client builds on (OpenStack, Fuel, Redfish):
 * TLS, the connection and unexpected statuses. They are part of the PH2xxx range of the OpenStack
 * client, where they began. Codes are stable: operators and tests match on them, so never
 * renumber one; add new ones instead.
 */
export const HTTP_CODES = {
  tlsVerifyDisabled: 'PH2001',
  caBundleUnreadable: 'PH2002',
  connectionRefused: 'PH2010',
  hostNotFound: 'PH2011',
  timeout: 'PH2012',
  tlsFailure: 'PH2013',
  connectionFailed: 'PH2014',
  httpStatus: 'PH2100',
  badResponse: 'PH2131',
  responseTooLarge: 'PH2132',
} as const satisfies Record<string, PhCode>;
