import type { ResourceKind } from '../inventory/model.js';
import { domainModel } from './kinds/domain.js';
import { flavorModel } from './kinds/flavor.js';
import { floatingIpModel } from './kinds/floating-ip.js';
import { imageModel } from './kinds/image.js';
import { keypairModel } from './kinds/keypair.js';
import { networkModel } from './kinds/network.js';
import { aggregateModel, availabilityZoneModel, computeServiceModel, hypervisorModel } from './kinds/placement.js';
import { portModel } from './kinds/port.js';
import { projectModel } from './kinds/project.js';
import { quotaModel } from './kinds/quota.js';
import { roleAssignmentModel } from './kinds/role-assignment.js';
import { roleModel } from './kinds/role.js';
import { routerModel } from './kinds/router.js';
import { securityGroupModel } from './kinds/security-group.js';
import { serverGroupModel } from './kinds/server-group.js';
import { serverModel } from './kinds/server.js';
import { subnetModel } from './kinds/subnet.js';
import { userModel } from './kinds/user.js';
import { volumeSnapshotModel } from './kinds/volume-snapshot.js';
import { volumeTypeModel } from './kinds/volume-type.js';
import { volumeModel } from './kinds/volume.js';
import type { AttributeSpec, FieldClass, KindModel, ReferenceSpec } from './schema.js';

export type { ApiField, AttributeSpec, FieldClass, KindModel, ReferenceSpec, ReferenceStrength } from './schema.js';

/** Every kind's model, by kind: the single description the rest of Pumphouse derives from. */
export const MODELS: { readonly [K in ResourceKind]: KindModel<any> } = {
  domain: domainModel,
  project: projectModel,
  user: userModel,
  role: roleModel,
  'role-assignment': roleAssignmentModel,
  flavor: flavorModel,
  keypair: keypairModel,
  image: imageModel,
  'security-group': securityGroupModel,
  network: networkModel,
  subnet: subnetModel,
  router: routerModel,
  port: portModel,
  'floating-ip': floatingIpModel,
  'volume-type': volumeTypeModel,
  volume: volumeModel,
  'volume-snapshot': volumeSnapshotModel,
  'server-group': serverGroupModel,
  server: serverModel,
  quota: quotaModel,
  'availability-zone': availabilityZoneModel,
  aggregate: aggregateModel,
  hypervisor: hypervisorModel,
  'compute-service': computeServiceModel,
};

/** The kinds apply copies or moves (the others are read for placement and checks). */
export const MIGRATED_KINDS: readonly ResourceKind[] = [
  'domain', 'project', 'user', 'role', 'role-assignment', 'flavor', 'keypair', 'image', 'security-group', 'network', 'subnet',
  'router', 'port', 'floating-ip', 'volume', 'server-group', 'server', 'quota',
];

export interface Classified {
  /** Attributes whose difference is a conflict (natural-key attributes included). */
  essentials: readonly string[];
  /** Attributes an update brings in line. */
  settable: readonly string[];
  /** Attributes that cannot be carried, with why. */
  lost: ReadonlyArray<{ attribute: string; why: string }>;
  /** References the diff compares by address and an update brings in line. */
  comparedReferences: ReadonlyArray<{ role: string; spec: ReferenceSpec }>;
  /** Compared references fixed when the object is made: a difference is a conflict. */
  fixedReferences: ReadonlyArray<{ role: string; spec: ReferenceSpec }>;
}

const classified = new Map<ResourceKind, Classified>();

/** A kind's attributes by what the diff does with them (computed once per kind). */
export function classify(kind: ResourceKind): Classified {
  let result = classified.get(kind);
  if (!result) {
    const entries = Object.entries(MODELS[kind].attributes) as Array<[string, AttributeSpec]>;
    const named = (...classes: FieldClass[]) => entries.filter(([, spec]) => classes.includes(spec.class)).map(([name]) => name);
    const compared = Object.entries(MODELS[kind].references).filter(([, spec]) => spec.compared).map(([role, spec]) => ({ role, spec }));
    result = {
      essentials: named('key', 'essential'),
      settable: named('settable'),
      lost: entries.filter(([, spec]) => spec.class === 'lost').map(([attribute, spec]) => ({ attribute, why: spec.why ?? 'not carried' })),
      comparedReferences: compared.filter(({ spec }) => spec.fixed === undefined),
      fixedReferences: compared.filter(({ spec }) => spec.fixed !== undefined),
    };
    classified.set(kind, result);
  }
  return result;
}

/** A kind's references that order steps (and, for `needs`, pull the referenced object into the plan). */
export function orderingReferences(kind: ResourceKind): ReadonlyArray<{ role: string; spec: ReferenceSpec }> {
  return Object.entries(MODELS[kind].references).filter(([, spec]) => spec.strength !== 'info').map(([role, spec]) => ({ role, spec }));
}
