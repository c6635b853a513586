import type { ExpectedLoss, SelectedObject } from '../helpers/independent-compare.js';

/**
 * Every object test/real/seed-kitchen-sink.sh seeds (the kitchen-sink cases of the issue
 * "Fidelity"), as the independent comparator selects them.
 */
export const KITCHEN_SINK_OBJECTS: readonly SelectedObject[] = [
  { kind: 'domain', name: 'ph-ks-domain' },
  { kind: 'project', name: 'ph-ks-app' },
  { kind: 'project', name: 'ph-ks-partner' },
  { kind: 'user', name: 'ph-ks-owner' },
  { kind: 'role-assignment', user: 'ph-ks-owner', name: 'ph-ks-app' },
  { kind: 'role-assignment', user: 'ph-ks-owner', name: 'domain:ph-ks-domain' },
  { kind: 'quota', name: 'ph-ks-app' },
  { kind: 'flavor', name: 'ph-ks-private' },
  { kind: 'flavor', name: 'ph-ks-ephemeral' },
  { kind: 'keypair', user: 'ph-ks-owner', name: 'ph-ks-key' },
  { kind: 'server-group', project: 'ph-ks-app', name: 'ph-ks-group' },
  ...['ph-ks-shared', 'ph-ks-kernel', 'ph-ks-ramdisk', 'ph-ks-ami'].map((name): SelectedObject => ({ kind: 'image', project: 'ph-ks-app', name })),
  { kind: 'network', project: 'ph-ks-app', name: 'ph-ks-net' },
  { kind: 'subnet', project: 'ph-ks-app', name: 'ph-ks-subnet' },
  { kind: 'router', project: 'ph-ks-app', name: 'ph-ks-router' },
  { kind: 'security-group', project: 'ph-ks-app', name: 'ph-ks-web-sg' },
  { kind: 'security-group', project: 'ph-ks-app', name: 'ph-ks-db-sg' },
  { kind: 'port', project: 'ph-ks-app', name: 'ph-ks-web-port' },
  { kind: 'floating-ip', project: 'ph-ks-app', name: 'ph-ks-web-fip' },
  { kind: 'volume', project: 'ph-ks-app', name: 'ph-ks-data' },
  { kind: 'volume', project: 'ph-ks-app', name: 'ph-ks-spare' },
  { kind: 'volume-snapshot', project: 'ph-ks-app', name: 'ph-ks-spare-snap' },
  { kind: 'server', project: 'ph-ks-app', name: 'ph-ks-web-1' },
  { kind: 'server', project: 'ph-ks-app', name: 'ph-ks-stopped' },
  { kind: 'server', project: 'ph-ks-app', name: 'ph-ks-kernel-1' },
];

/**
 * What the kitchen-sink plan (source c5000 → target c6000, `maps.networks: {ph-public:
 * ph-target-public}`) says will not survive the move, as the comparator's expected losses: the
 * floating IP's address (kept where the target's external network has its range free, else the
 * target allocates another, and the server's address list changes with it), the volume snapshot, which stays on the source, and what the
 * network map renames (the external network, and the router's gateway address on it).
 */
export const KITCHEN_SINK_EXPECTED_LOSSES: readonly ExpectedLoss[] = [
  { object: 'floating-ip:ph-ks-app/ph-ks-web-fip', field: 'floating_ip_address' },
  { object: 'floating-ip:ph-ks-app/ph-ks-web-fip', field: 'name' },
  { object: 'server:ph-ks-app/ph-ks-web-1', field: 'addresses' },
  { object: 'volume-snapshot:ph-ks-app/ph-ks-spare-snap', field: '(exists)' },
  { object: 'floating-ip:ph-ks-app/ph-ks-web-fip', field: 'floating_network_id' },
  { object: 'router:ph-ks-app/ph-ks-router', field: 'external_gateway_info.network_id' },
  { object: 'router:ph-ks-app/ph-ks-router', field: 'external_gateway_info.external_fixed_ips' },
  // strategy: snapshot — each copy boots from its disk's snapshot copy (the plan says so per server).
  { object: 'server:ph-ks-app/ph-ks-web-1', field: 'image' },
  { object: 'server:ph-ks-app/ph-ks-stopped', field: 'image' },
  { object: 'server:ph-ks-app/ph-ks-kernel-1', field: 'image' },
  // The creator (`user_id`) of a volume or a server group is whoever made it: apply's user, as
  // the plan says ("creator: the copy is created by admin, not …"); a server's owner is kept.
  { object: 'volume:ph-ks-app/ph-ks-data', field: 'user_id' },
  { object: 'volume:ph-ks-app/ph-ks-spare', field: 'user_id' },
  { object: 'server-group:ph-ks-app/ph-ks-group', field: 'user_id' },
];
