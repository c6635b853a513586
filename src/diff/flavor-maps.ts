import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Maps } from '../desired/model.js';
import type { InventoryResource } from '../inventory/model.js';
import type { AttributeComparison } from './attributes.js';
import type { PhCode } from '../errors.js';

/**
 * A flavor `spec.maps.flavors` maps to one of the target's: the target's own flavor, used as it is
 * and never changed (other projects use it too), so differences from the source's are not a
 * conflict nor an update. When they matter — another size means the servers that use it are
 * resized — the plan warns, showing both:
 *   PH1420  (warning) a mapped flavor differs from the source's: its sizes, and what else differs
 */
export const FLAVOR_MAP_CODES = { differs: 'PH1420' } as const satisfies Record<string, PhCode>;

export function isMappedFlavor(resource: InventoryResource, maps: Maps): boolean {
  return resource.kind === 'flavor' && maps.flavors[resource.name] !== undefined;
}

/** The warning for a mapped flavor that differs from the source's; undefined when they are alike. */
export function mappedFlavorWarning(source: InventoryResource, target: InventoryResource, comparison: AttributeComparison): Diagnostic | undefined {
  const differing = [...comparison.essentials, ...comparison.settable].map((d) => d.path.replace(/^(attributes|refs)\./, ''));
  if (differing.length === 0) return undefined;
  const resized = differing.some((field) => SIZE_FIELDS.includes(field));
  const others = differing.filter((field) => !SIZE_FIELDS.includes(field));
  const what = resized
    ? `servers of flavor ${source.name} (${sizeOf(source)}) are resized to ${target.name} (${sizeOf(target)}) on the target`
    : `servers of flavor ${source.name} run as ${target.name} on the target`;
  return {
    severity: 'warning',
    code: FLAVOR_MAP_CODES.differs,
    message: `spec.maps.flavors: ${what}${others.length > 0 ? `; ${target.name} has its own ${others.join(', ')}` : ''}`,
    hint: resized ? `fine if the resize is intended; otherwise map ${source.name} to a flavor of the same size` : `fine if intended; the target's flavor is used as it is, never changed`,
  };
}

const SIZE_FIELDS: readonly string[] = ['vcpus', 'ramMb', 'diskGb', 'ephemeralGb', 'swapMb'];

/** "2 vCPUs, 4096 MB RAM, 40 GB disk", with ephemeral and swap when the flavor has them. */
function sizeOf(flavor: InventoryResource): string {
  const a = flavor.attributes as { vcpus?: number; ramMb?: number; diskGb?: number; ephemeralGb?: number; swapMb?: number };
  const parts = [`${a.vcpus ?? 0} vCPU${a.vcpus === 1 ? '' : 's'}`, `${a.ramMb ?? 0} MB RAM`, `${a.diskGb ?? 0} GB disk`];
  if ((a.ephemeralGb ?? 0) > 0) parts.push(`${a.ephemeralGb} GB ephemeral`);
  if ((a.swapMb ?? 0) > 0) parts.push(`${a.swapMb} MB swap`);
  return parts.join(', ');
}
