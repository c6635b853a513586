import jsonDiff from 'json-diff';
import { refList } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import { classify } from '../model/index.js';
import { SETTABLE_LIMITS } from '../model/kinds/quota.js';
import type { AttributeDifference } from './changes.js';
import { isMarkKey, isMarkTag } from './marks.js';
import { desiredServerStatus } from './power-state.js';

/**
 * Compares a desired object (from the source) with its match on the target, field by field as
 * the kind's model (src/model) classifies them:
 *   - essentials (and natural-key fields): what an object *is*; a difference means the target's
 *     object is a different thing under the same key — a conflict apply must not paper over;
 *   - settable fields and compared references: what apply brings in line with an update.
 * Everything else (ids, times, status, usage, the marks) is the cloud's and is ignored. Values are
 * compared structurally with json-diff after normalising (marks removed, unordered lists sorted).
 */
export interface AttributeComparison {
  essentials: AttributeDifference[];
  settable: AttributeDifference[];
  /** Differences of references fixed when the object was made: no update changes them (lost). */
  fixed: AttributeDifference[];
}

/** Source-side names and addresses in the target's terms. */
export interface Translate {
  /** The target's flavor name for a source flavor name (spec.maps.flavors). */
  flavorName(name: string): string;
  /**
   * The target address a referenced source object has or will have: its match on the target, or
   * its own address when this plan creates it; undefined when it will not be on the target.
   */
  reference(address: string): string | undefined;
}

export const sameNames: Translate = { flavorName: (name) => name, reference: (address) => address };

export function compareAttributes(desired: InventoryResource, actual: InventoryResource, translate: Translate): AttributeComparison {
  const model = classify(desired.kind);
  const want = comparableView(desired, translate);
  const have = comparableView(actual, sameNames);
  if (desired.kind === 'quota') restrictToSharedKeys(want, have);
  if (desired.kind === 'server') want['status'] = desiredServerStatus(desired, actual);
  const differing = (keys: readonly string[], prefix: string, w: Record<string, unknown>, h: Record<string, unknown>) =>
    keys.filter((key) => jsonDiff.diff(h[key] ?? null, w[key] ?? null) !== undefined)
      .map((key) => ({ path: `${prefix}.${key}`, before: h[key] ?? null, after: w[key] ?? null }));
  const roles = model.comparedReferences.map((r) => r.role);
  return {
    essentials: differing(model.essentials, 'attributes', want, have),
    fixed: fixedReferenceDifferences(desired, actual, translate),
    settable: [
      ...differing(model.settable, 'attributes', want, have),
      ...differing(roles, 'refs', referenceView(desired, roles, translate), referenceView(actual, roles, sameNames)),
    ],
  };
}

/** The attributes as compared: marks removed, unordered lists sorted, names translated. */
function comparableView(resource: InventoryResource, translate: Translate): Record<string, unknown> {
  const a = resource.attributes;
  const view: Record<string, unknown> = { ...a };
  if (Array.isArray(a['tags'])) view['tags'] = (a['tags'] as unknown[]).filter((t) => !isMarkTag(t)).map(String).sort();
  for (const key of ['metadata', 'properties']) {
    const bag = a[key];
    if (bag && typeof bag === 'object') view[key] = Object.fromEntries(Object.entries(bag as Record<string, unknown>).filter(([k]) => !isMarkKey(k)));
  }
  switch (resource.kind) {
    case 'security-group':
      if (Array.isArray(a['rules'])) view['rules'] = (a['rules'] as unknown[]).map((rule) => JSON.stringify(rule)).sort().map((text) => JSON.parse(text) as unknown);
      break;
    case 'subnet':
      // Neutron keeps pools and host routes as sets: real Zed lists them in no fixed order.
      view['allocationPools'] = sortedByJson(a['allocationPools']);
      view['hostRoutes'] = sortedByJson(a['hostRoutes']);
      break;
    case 'router':
      view['routes'] = sortedByJson(a['routes']);
      break;
    case 'port':
      // Subnet ids differ between clouds: a port is the same when it holds the same addresses.
      view['fixedIps'] = ((a['fixedIps'] ?? []) as Array<{ ipAddress?: string }>).map((ip) => ip.ipAddress ?? '').sort();
      break;
    case 'server': {
      const flavor = a['flavor'] as { name?: string } | undefined;
      view['flavor'] = flavor?.name ? translate.flavorName(flavor.name) : null;
      break;
    }
    case 'image': {
      const members = (a['memberStatus'] ?? {}) as Record<string, string>;
      view['memberStatus'] = Object.fromEntries(Object.entries(members).flatMap(([project, status]) => {
        const there = translate.reference(project);
        return there ? [[there, status]] : [];
      }).sort());
      break;
    }
    default:
      break;
  }
  return view;
}

/** An unordered list in one order, whatever order the API listed it in. */
function sortedByJson(value: unknown): unknown {
  return Array.isArray(value) ? value.map((v) => JSON.stringify(v)).sort().map((text) => JSON.parse(text) as unknown) : value;
}

/**
 * Differences of the references fixed when an object is made (a server's owner): no update can
 * change them, and the copy is otherwise the object, so they are losses, not conflicts. A
 * reference that will not be on the target is left out: the weak reference's own loss says it.
 */
function fixedReferenceDifferences(desired: InventoryResource, actual: InventoryResource, translate: Translate): AttributeDifference[] {
  const roles = classify(desired.kind).fixedReferences.map((r) => r.role);
  const want = referenceView(desired, roles, translate);
  const have = referenceView(actual, roles, sameNames);
  return roles.filter((role) => (want[role] as string[]).length > 0 && jsonDiff.diff(have[role], want[role]) !== undefined)
    .map((role) => ({ path: `refs.${role}`, before: have[role], after: want[role] }));
}

/** References by role, translated to target addresses; those that will not exist there are left out. */
function referenceView(resource: InventoryResource, roles: readonly string[], translate: Translate): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const role of roles) {
    const addresses = refList(resource, role).flatMap((address) => translate.reference(address) ?? []);
    view[role] = [...new Set(addresses)].sort();
  }
  return view;
}

/**
 * Quota keys differ between releases (and per volume type): only the keys both clouds know and
 * apply can set compare.
 */
function restrictToSharedKeys(want: Record<string, unknown>, have: Record<string, unknown>): void {
  const wanted = (want['limits'] ?? {}) as Record<string, unknown>;
  const had = (have['limits'] ?? {}) as Record<string, unknown>;
  const settable: readonly string[] = SETTABLE_LIMITS[want['service'] as keyof typeof SETTABLE_LIMITS] ?? [];
  const shared = Object.keys(wanted).filter((k) => k in had && settable.includes(k)).sort();
  want['limits'] = Object.fromEntries(shared.map((k) => [k, wanted[k]]));
  have['limits'] = Object.fromEntries(shared.map((k) => [k, had[k]]));
}
