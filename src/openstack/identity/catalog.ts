import { PumphouseError } from '../../errors.js';
import type { EndpointInterface } from '../../config/types.js';
import { OPENSTACK_CODES } from '../http/codes.js';

/**
 * The service catalog Keystone returns with a token, and endpoint selection in it by service
 * type (with the aliases clouds use), region and interface.
 */

export interface CatalogEndpoint {
  id?: string;
  interface: string;
  /** Deprecated by keystone in favour of region_id, but still what most clouds fill in. */
  region?: string | null;
  region_id?: string | null;
  url: string;
}

export interface CatalogEntry {
  id?: string;
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

/** The services pumphouse talks to, named as in the service-types authority. */
export type ServiceType = 'identity' | 'compute' | 'image' | 'network' | 'block-storage';

/**
 * Catalog types accepted for each service, best first. Cinder registers as "volumev3" on most
 * deployed clouds (Zed included), "block-storage" on new ones, "volume" on old ones (that one may
 * be v2; version discovery tells).
 */
export const SERVICE_TYPE_ALIASES: Record<ServiceType, readonly string[]> = {
  identity: ['identity'],
  compute: ['compute'],
  image: ['image'],
  network: ['network'],
  'block-storage': ['block-storage', 'volumev3', 'volume'],
};

export interface EndpointSelector {
  /** Required only when the catalog has the service in several regions. */
  region?: string;
  interface: EndpointInterface;
}

export interface SelectedEndpoint {
  url: string;
  interface: string;
  region: string | undefined;
  /** The catalog type that matched ("volumev3"). */
  catalogType: string;
  catalogName: string | undefined;
}

export function endpointRegion(endpoint: CatalogEndpoint): string | undefined {
  return endpoint.region_id ?? endpoint.region ?? undefined;
}

/** The catalog entry of `service`, by its aliases in order; undefined when absent. */
export function findService(catalog: readonly CatalogEntry[], service: ServiceType): CatalogEntry | undefined {
  for (const type of SERVICE_TYPE_ALIASES[service]) {
    const entry = catalog.find((e) => e.type === type && e.endpoints.length > 0);
    if (entry) return entry;
  }
  return undefined;
}

/**
 * Picks the endpoint of `service` for the selector.
 * @throws PumphouseError PH2110 when the catalog lacks the service, PH2111 when no endpoint
 *   matches the region and interface (or the region is ambiguous); both list what is there.
 */
export function selectEndpoint(catalog: readonly CatalogEntry[], service: ServiceType, selector: EndpointSelector, cloud: string): SelectedEndpoint {
  const entry = findService(catalog, service);
  if (!entry) {
    const present = [...new Set(catalog.map((e) => e.type))].sort().join(', ') || 'none';
    throw new PumphouseError(OPENSTACK_CODES.serviceNotInCatalog,
      `cloud "${cloud}" has no ${service} service in its catalog (looked for type ${SERVICE_TYPE_ALIASES[service].join(' | ')}; present: ${present})`,
      { hint: catalog.length === 0 ? 'the token is unscoped: set project_name (or project_id) for this cloud' : `the ${service} service is not deployed, or not registered in keystone` });
  }
  const candidates = entry.endpoints.filter((e) => e.interface === selector.interface && (selector.region === undefined || endpointRegion(e) === selector.region));
  const regions = [...new Set(candidates.map(endpointRegion))];
  const available = entry.endpoints.map((e) => `${e.interface}@${endpointRegion(e) ?? '(no region)'}`).join(', ');
  if (candidates.length === 0 || regions.length > 1) {
    const wanted = `interface ${selector.interface}${selector.region ? `, region ${selector.region}` : ''}`;
    throw new PumphouseError(OPENSTACK_CODES.endpointNotFound,
      candidates.length === 0
        ? `cloud "${cloud}": the ${entry.type} service has no endpoint with ${wanted} (available: ${available})`
        : `cloud "${cloud}": the ${entry.type} service has ${wanted} endpoints in several regions (${regions.join(', ')})`,
      { hint: 'set region_name and interface for this cloud in clouds.yaml to one of the available pairs' });
  }
  const chosen = candidates[0] as CatalogEndpoint;
  return { url: chosen.url, interface: chosen.interface, region: endpointRegion(chosen), catalogType: entry.type, catalogName: entry.name };
}
