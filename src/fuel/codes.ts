import type { PhCode } from '../errors.js';

/**
 * The Fuel (Nailgun) client's codes (PH19xx) by what they are for; what each means, its HTTP
 * status and whether it is retried are in the registry (src/errors/codes.ts).
 */
export const FUEL_CODES = {
  authFailed: 'PH1901',
  notFound: 'PH1902',
  conflict: 'PH1903',
  invalid: 'PH1904',
  forbidden: 'PH1905',
  serverError: 'PH1906',
  unreachable: 'PH1907',
  taskFailed: 'PH1908',
  environmentNotFound: 'PH1909',
  badResponse: 'PH1910',
  layoutMismatch: 'PH1911',
  waitTimeout: 'PH1912',
  fixedLayoutMismatch: 'PH1913',
} as const satisfies Record<string, PhCode>;

export type FuelCode = (typeof FUEL_CODES)[keyof typeof FUEL_CODES];
