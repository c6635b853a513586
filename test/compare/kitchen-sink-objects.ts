import type { ExpectedLoss, SelectedObject } from '../helpers/independent-compare.js';

/**
 * Every object of the sandbox's `kitchen-sink` scenario (src/simulator/scenarios/kitchen-sink.ts)
 * that plans/kitchen-sink.yaml moves, as the independent comparator selects them: the sandbox
 * half of test/real/kitchen-sink-objects.ts (there the real cloud's `ph-ks-` objects).
 */
const APP = 'ks-app';
const DOMAIN = 'ks-domain';

export const SANDBOX_KITCHEN_SINK_OBJECTS: readonly SelectedObject[] = [
  { kind: 'domain', name: DOMAIN },
  { kind: 'project', name: APP, domain: DOMAIN },
  { kind: 'project', name: 'ks-partner', domain: DOMAIN },
  { kind: 'user', name: 'ks-owner', domain: DOMAIN },
  { kind: 'role-assignment', user: 'ks-owner', domain: DOMAIN, name: APP },
  { kind: 'role-assignment', user: 'ks-owner', domain: DOMAIN, name: `domain:${DOMAIN}` },
  { kind: 'quota', name: APP },
  { kind: 'quota', name: 'ks-partner' },
  { kind: 'flavor', name: 'ks-private' },
  { kind: 'flavor', name: 'ks-ephemeral' },
  { kind: 'keypair', user: 'ks-owner', name: 'ks-key' },
  { kind: 'server-group', project: APP, name: 'ks-anti' },
  ...['ks-shared-image', 'ks-kernel', 'ks-ramdisk', 'ks-ami'].map((name): SelectedObject => ({ kind: 'image', project: APP, name })),
  { kind: 'network', project: APP, name: 'ks-net' },
  { kind: 'subnet', project: APP, name: 'ks-subnet' },
  { kind: 'router', project: APP, name: 'ks-router' },
  ...['default', 'ks-web', 'ks-db'].map((name): SelectedObject => ({ kind: 'security-group', project: APP, name })),
  { kind: 'port', project: APP, name: 'ks-web-port' },
  { kind: 'floating-ip', project: APP, name: 'Public address of ks-web-1' },
  { kind: 'volume', project: APP, name: 'ks-data' },
  { kind: 'volume', project: APP, name: 'ks-spare' },
  ...['ks-web-1', 'ks-stopped', 'ks-kernel-boot'].map((name): SelectedObject => ({ kind: 'server', project: APP, name })),
];

/**
 * What `pumphouse plan plans/kitchen-sink.yaml` lists under "Will not survive the move" on this
 * scenario, as the comparator's expected losses, plus what the plan file itself changes on purpose.
 */
export const SANDBOX_KITCHEN_SINK_EXPECTED_LOSSES: readonly ExpectedLoss[] = [
  // "router ks-router: externalFixedIps: the gateway's address: the target allocates one on its external network".
  { object: `router:${APP}/ks-router`, field: 'external_gateway_info.external_fixed_ips' },
  // "floating-ip …/203.0.113.101: address 203.0.113.101 changes: it is outside network:admin/admin_floating_net
  // on the target (172.16.0.0/24), so the target allocates another".
  { object: `floating-ip:${APP}/*`, field: 'floating_ip_address' },
  { object: `server:${APP}/ks-web-1`, field: 'addresses' },
  // `maps.networks: { public: admin_floating_net }` renames the external network on purpose.
  { object: `router:${APP}/ks-router`, field: 'external_gateway_info.network_id' },
  { object: `floating-ip:${APP}/*`, field: 'floating_network_id' },
  // `maps.volumeTypes: { lvmdriver-1: volumes_lvm }` renames the volume type, and with it Cinder's
  // per-type quota keys (`gigabytes_<type>`…; both unlimited, -1, on either side).
  { object: `volume:${APP}/ks-data`, field: 'type' },
  ...['ks-app', 'ks-partner'].flatMap((project) => ['lvmdriver-1', 'volumes_lvm'].map((type): ExpectedLoss => ({ object: `quota:${project}`, field: `*_${type}` }))),
  // "volume … / server-group …: creator: the copy is created by admin, not user:ks-domain/ks-owner":
  // Cinder and Nova record whoever creates one (user_id), and apply creates them as itself.
  ...['volume:ks-app/ks-data', 'volume:ks-app/ks-spare', 'server-group:ks-app/ks-anti'].map((object): ExpectedLoss => ({ object, field: 'user_id' })),
  // "server …: image: the copy boots from pumphouse-snapshot-…, the copy of its disk's snapshot".
  ...['ks-web-1', 'ks-stopped', 'ks-kernel-boot'].map((name): ExpectedLoss => ({ object: `server:${APP}/${name}`, field: 'image' })),
];
