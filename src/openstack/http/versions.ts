import { PumphouseError, errorMessage } from '../../errors.js';
import { OPENSTACK_CODES } from './codes.js';
import { compareMicroversions } from './microversion.js';
import type { ApiVersion } from './service-client.js';
import type { TokenSource, Transport } from '../../http/transport.js';

/**
 * Version discovery: what API version (and microversion range) an endpoint serves, read from its
 * version document. Shapes seen in the wild:
 * - `{"version": {...}}` at a versioned URL (nova .../v2.1, keystone .../v3)
 * - `{"versions": [{...}, ...]}` at the root (nova, glance, neutron, cinder, placement), status 200 or 300
 * - `{"versions": {"values": [...]}}` at keystone's root
 * Each entry has `id` ("v2.1"), `status`, and for microversioned services either
 * `min_version`/`version` (nova, cinder; "" when none) or `min_version`/`max_version` (placement).
 */

export interface VersionEntry {
  id: string;
  status: string;
  min?: string;
  max?: string;
}

export function parseVersionDocument(body: unknown): VersionEntry[] {
  if (!body || typeof body !== 'object') return [];
  const obj = body as { version?: unknown; versions?: unknown };
  const raw: unknown[] = obj.version
    ? [obj.version]
    : Array.isArray(obj.versions)
      ? obj.versions
      : Array.isArray((obj.versions as { values?: unknown } | undefined)?.values)
        ? ((obj.versions as { values: unknown[] }).values)
        : [];
  const entries: VersionEntry[] = [];
  for (const item of raw) {
    const v = (item ?? {}) as Record<string, unknown>;
    if (typeof v.id !== 'string') continue;
    const max = nonEmpty(v.version) ?? nonEmpty(v.max_version);
    const min = nonEmpty(v.min_version);
    entries.push({ id: v.id, status: typeof v.status === 'string' ? v.status : 'unknown', ...(min ? { min } : {}), ...(max ? { max } : {}) });
  }
  return entries;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function versionNumber(id: string): [number, number] {
  const m = /^v?(\d+)(?:\.(\d+))?/.exec(id);
  return m ? [Number(m[1]), Number(m[2] ?? 0)] : [0, 0];
}

/** The entry to use: of major `major` (any when undefined), the highest; deprecated ones last. */
export function pickVersion(entries: readonly VersionEntry[], major: number | undefined): VersionEntry | undefined {
  const usable = entries.filter((e) => major === undefined || versionNumber(e.id)[0] === major);
  const rank = (e: VersionEntry): number => (/deprecated/i.test(e.status) ? 0 : 1);
  return [...usable].sort((a, b) => {
    const [am, an] = versionNumber(a.id);
    const [bm, bn] = versionNumber(b.id);
    return rank(b) - rank(a) || bm - am || bn - an;
  })[0];
}

/** The API major version pumphouse speaks, per service type. */
export const API_MAJOR: Record<string, number> = { identity: 3, compute: 2, image: 2, network: 2, 'block-storage': 3 };

/**
 * The URL to try for the version document: the endpoint itself, then without a trailing project
 * id (cinder's ".../v3/<project>" answers 404), then the root.
 */
export function versionDocumentCandidates(endpointUrl: string): string[] {
  const trimmed = endpointUrl.replace(/\/+$/, '');
  const noProject = trimmed.replace(/\/(?:[0-9a-f]{32}|[0-9a-f-]{36}|%\(tenant_id\)s|\$\(project_id\)s)$/i, '');
  const root = noProject.replace(/\/v\d+(?:\.\d+)?$/, '');
  return [...new Set([trimmed, noProject, root])];
}

/**
 * Reads the version document of `endpointUrl`.
 * @throws PumphouseError PH2120 when no candidate URL yields a usable document.
 */
export async function discoverVersion(transport: Transport, service: string, endpointUrl: string, auth?: TokenSource): Promise<ApiVersion> {
  let lastError = 'no version document';
  for (const url of versionDocumentCandidates(endpointUrl)) {
    try {
      const res = await transport.send<unknown>({
        service, method: 'GET', url: `${url}/`, displayPath: `${url}/`, okCodes: [200, 300], ...(auth ? { auth } : {}),
      });
      const entry = pickVersion(parseVersionDocument(res.data), API_MAJOR[service]);
      if (!entry) {
        lastError = `${url}/ lists no usable version`;
        continue;
      }
      const microversions = entry.max ? { min: entry.min ?? entry.max, max: entry.max } : undefined;
      if (microversions) compareMicroversions(microversions.min, microversions.max); // validates both
      return { id: entry.id, ...(microversions ? { microversions } : {}) };
    } catch (error) {
      lastError = errorMessage(error);
    }
  }
  throw new PumphouseError(OPENSTACK_CODES.versionDiscovery, `${service}: cannot read the API version of ${transport.describe({ service, method: 'GET', url: endpointUrl, displayPath: endpointUrl }).url}: ${lastError}`, {
    hint: 'check that the catalog endpoint is reachable and is the right service',
  });
}

/** The URL API calls are made against: the catalog URL with the API version appended if missing. */
export function serviceBaseUrl(service: string, catalogUrl: string): string {
  const url = catalogUrl.replace(/\/+$/, '');
  if (service === 'identity' && !/\/v3$/.test(url)) return `${url}/v3`;
  if (service === 'image' && !/\/v2(\.\d+)?$/.test(url)) return `${url}/v2`;
  if (service === 'network' && !/\/v2\.0$/.test(url)) return `${url}/v2.0`;
  return url;
}
