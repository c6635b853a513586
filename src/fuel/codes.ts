/**
 * Error codes of the Fuel (Nailgun) client (PH19xx). Codes are stable: operators and tests match
 * on them, so never renumber one; add new ones instead.
 *
 * | code   | when                                                                          |
 * |--------|-------------------------------------------------------------------------------|
 * | PH1901 | Fuel's keystone refused the credentials, or a fresh token was refused too     |
 * | PH1902 | 404: the cluster, node, task or release id does not exist                     |
 * | PH1903 | 409: a name or MAC is already taken                                           |
 * | PH1904 | 400: Fuel rejected the request (validation: disks, interfaces, assignment…)   |
 * | PH1905 | 403: not allowed in this state (locked settings, deployed network config…)    |
 * | PH1906 | 5xx: Nailgun failed (an unmapped exception, e.g. a deployment already running)|
 * | PH1907 | the Fuel master did not answer (refused, DNS, timeout, reset, TLS)            |
 * | PH1908 | a Fuel task (provision, deployment, deploy) ended in status `error`           |
 * | PH1909 | no environment (cluster) has the configured name                              |
 * | PH1910 | an answer pumphouse cannot read (not JSON, wrong shape, unexpected status)    |
 * | PH1911 | reference and target node layouts do not match (disk or NIC names, sizes)     |
 * | PH1912 | waiting for a task or for a node to register took longer than allowed        |
 * | PH1913 | a plan's fixed layout does not fit the node (disks, NICs, networks, sizes)    |
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
} as const;

export type FuelCode = (typeof FUEL_CODES)[keyof typeof FUEL_CODES];
