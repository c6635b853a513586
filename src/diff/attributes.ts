import jsonDiff from 'json-diff';
import type { InventoryResource, ResourceKind } from '../inventory/model.js';
import type { AttributeDifference } from './changes.js';
import { isMarkKey, isMarkTag } from './marks.js';

/**
 * Which attributes of each kind the diff compares, split in two:
 *   - essentials: what an object *is*; if they differ, the target's object is a different
 *     thing under the same key — a conflict apply must not paper over;
 *   - settable: what apply may bring in line with an update.
 * Everything else (ids, timestamps, status, usage, links, the marks) is not desired state and is
 * ignored. Values are compared structurally with json-diff after normalising (marks removed,
 * unordered lists sorted).
 */
interface Comparable {
  essentials: readonly string[];
  settable: readonly string[];
}

const NONE: Comparable = { essentials: [], settable: [] };

const COMPARED: Partial<Record<ResourceKind, Comparable>> = {
  domain: { essentials: [], settable: ['enabled', 'description'] },
  project: { essentials: [], settable: ['enabled', 'description', 'tags'] },
  user: { essentials: [], settable: ['enabled', 'email', 'description'] },
  'role-assignment': { essentials: ['inherited'], settable: [] },
  flavor: { essentials: ['vcpus', 'ramMb', 'diskGb', 'ephemeralGb', 'swapMb', 'isPublic'], settable: ['extraSpecs', 'description'] },
  keypair: { essentials: ['fingerprint'], settable: [] },
  image: { essentials: ['diskFormat', 'containerFormat'], settable: ['visibility', 'minDiskGb', 'minRamMb', 'protected', 'properties', 'tags'] },
  'security-group': { essentials: ['stateful'], settable: ['description', 'rules', 'tags'] },
  network: { essentials: ['external'], settable: ['adminStateUp', 'shared', 'mtu', 'portSecurityEnabled', 'description', 'tags'] },
  subnet: { essentials: ['cidr', 'ipVersion'], settable: ['gatewayIp', 'enableDhcp', 'allocationPools', 'dnsNameservers', 'hostRoutes', 'description', 'tags'] },
  router: { essentials: [], settable: ['adminStateUp', 'routes', 'description', 'tags'] },
  port: { essentials: ['macAddress', 'ipAddresses'], settable: ['adminStateUp', 'allowedAddressPairs', 'portSecurityEnabled', 'description', 'tags'] },
  'floating-ip': { essentials: [], settable: ['description', 'tags'] },
  volume: { essentials: ['sizeGb'], settable: ['description', 'metadata', 'bootable'] },
  'server-group': { essentials: ['policy'], settable: [] },
  server: { essentials: ['flavorName'], settable: ['description', 'metadata', 'tags'] },
  quota: { essentials: [], settable: ['limits'] },
};

export interface AttributeComparison {
  essentials: AttributeDifference[];
  settable: AttributeDifference[];
}

/**
 * Compares a desired object (from the source) with its match on the target. `translate` gives
 * the target's name for a source-side value where maps rename things (flavors).
 */
export function compareAttributes(desired: InventoryResource, actual: InventoryResource, translate: Translate): AttributeComparison {
  const compared = COMPARED[desired.kind] ?? NONE;
  const want = comparableView(desired, translate);
  const have = comparableView(actual, identity);
  if (desired.kind === 'quota') restrictToSharedKeys(want, have);
  const differing = (keys: readonly string[]) =>
    keys.filter((key) => jsonDiff.diff(have[key] ?? null, want[key] ?? null) !== undefined)
      .map((key) => ({ path: `attributes.${key}`, before: have[key] ?? null, after: want[key] ?? null }));
  return { essentials: differing(compared.essentials), settable: differing(compared.settable) };
}

export interface Translate {
  flavorName(name: string): string;
}

const identity: Translate = { flavorName: (name) => name };

/** The attributes as compared: derived fields added, marks removed, unordered lists sorted. */
function comparableView(resource: InventoryResource, translate: Translate): Record<string, unknown> {
  const a = resource.attributes;
  const view: Record<string, unknown> = { ...a };
  if (Array.isArray(a['tags'])) view['tags'] = (a['tags'] as unknown[]).filter((t) => !isMarkTag(t)).map(String).sort();
  for (const key of ['metadata', 'properties']) {
    const bag = a[key];
    if (bag && typeof bag === 'object') view[key] = Object.fromEntries(Object.entries(bag as Record<string, unknown>).filter(([k]) => !isMarkKey(k)));
  }
  if (resource.kind === 'security-group' && Array.isArray(a['rules'])) {
    view['rules'] = (a['rules'] as unknown[]).map((rule) => JSON.stringify(rule)).sort().map((text) => JSON.parse(text) as unknown);
  }
  if (resource.kind === 'port' && Array.isArray(a['fixedIps'])) {
    view['ipAddresses'] = (a['fixedIps'] as Array<{ ipAddress?: string }>).map((ip) => ip.ipAddress ?? '').sort();
  }
  if (resource.kind === 'server') {
    const flavor = a['flavor'] as { name?: string } | undefined;
    if (flavor?.name) view['flavorName'] = translate.flavorName(flavor.name);
  }
  return view;
}

/** Quota keys differ between releases (and per volume type): only keys both clouds know compare. */
function restrictToSharedKeys(want: Record<string, unknown>, have: Record<string, unknown>): void {
  const wanted = (want['limits'] ?? {}) as Record<string, unknown>;
  const had = (have['limits'] ?? {}) as Record<string, unknown>;
  const shared = Object.keys(wanted).filter((k) => k in had).sort();
  want['limits'] = Object.fromEntries(shared.map((k) => [k, wanted[k]]));
  have['limits'] = Object.fromEntries(shared.map((k) => [k, had[k]]));
}
