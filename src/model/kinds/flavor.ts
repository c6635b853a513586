import { defineKind, ID, LINKS, NAME, attr, essential, lost, ref, settable, weak } from '../schema.js';

export interface FlavorAttributes {
  vcpus: number;
  ramMb: number;
  diskGb: number;
  ephemeralGb: number;
  swapMb: number;
  isPublic: boolean;
  disabled: boolean;
  rxtxFactor: number;
  description: string | null;
  extraSpecs: Record<string, string>;
}

/** A Nova flavor, matched by name (or spec.maps.flavors); the source id is kept when it is free. */
export const flavorModel = defineKind<FlavorAttributes>({
  kind: 'flavor',
  attributes: {
    vcpus: essential,
    ramMb: essential,
    diskGb: essential,
    ephemeralGb: essential,
    swapMb: essential,
    isPublic: essential,
    disabled: lost('a disabled flavor: Nova’s API cannot disable one (nova-manage can)'),
    rxtxFactor: essential,
    description: settable,
    extraSpecs: settable,
  },
  references: {
    accessProjects: weak('project', 'access project'),
  },
  api: {
    flavor: {
      id: ID, name: NAME, links: LINKS, vcpus: attr('vcpus'), ram: attr('ramMb'), disk: attr('diskGb'),
      'OS-FLV-EXT-DATA:ephemeral': attr('ephemeralGb'), swap: attr('swapMb'),
      'os-flavor-access:is_public': attr('isPublic'), 'OS-FLV-DISABLED:disabled': attr('disabled'),
      rxtx_factor: attr('rxtxFactor'), description: attr('description'), extra_specs: attr('extraSpecs'),
    },
    flavor_access: { flavor_id: ID, tenant_id: ref('accessProjects') },
    // GET /flavors/{id}/os-extra_specs below microversion 2.61: every key is an extra spec.
    extra_specs: { '*': attr('extraSpecs') },
  },
});
