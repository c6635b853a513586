import type { SimCluster, SimNetwork, SimNic, SimNode } from './model.js';

/**
 * Network groups and their placement on NICs (fuel-api.md §3.2, §3.5). Defaults are Fuel 6.0's
 * (fixtures/openstack.yaml, settings.yaml ADMIN_NETWORK).
 */

export const ADMIN_NETWORK_ID = 1;

export const ADMIN_NETWORK: SimNetwork = {
  id: ADMIN_NETWORK_ID, name: 'fuelweb_admin', group_id: null, cidr: '10.20.0.0/24', gateway: '', vlan_start: null,
  ip_ranges: [['10.20.0.129', '10.20.0.254']],
  meta: { notation: 'ip_ranges', map_priority: 0, unmovable: true, configurable: false, use_gateway: true },
};

/** The cluster's own networks (admin excluded), with fresh ids from `nextId`. */
export function defaultClusterNetworks(groupId: number, provider: SimCluster['net_provider'], nextId: () => number): SimNetwork[] {
  const common = (name: string, cidr: string | null, vlan: number | null, ranges: [string, string][], meta: Record<string, unknown>): SimNetwork => ({
    id: nextId(), name, group_id: groupId, cidr, gateway: name === 'public' ? '172.16.0.1' : '', vlan_start: vlan, ip_ranges: ranges, meta: { name, ...meta },
  });
  const networks = [
    common('public', '172.16.0.0/24', null, [['172.16.0.2', '172.16.0.126']], {
      notation: 'ip_ranges', render_type: null, render_addr_mask: 'public', map_priority: 1, use_gateway: true, configurable: true, assign_vip: true, floating_range_var: 'floating_ranges',
    }),
    common('management', '192.168.0.0/24', 101, [['192.168.0.1', '192.168.0.254']], { notation: 'cidr', render_type: 'cidr', map_priority: 2, assign_vip: true, use_gateway: false, configurable: true }),
    common('storage', '192.168.1.0/24', 102, [['192.168.1.1', '192.168.1.254']], { notation: 'cidr', render_type: 'cidr', map_priority: 2, use_gateway: false, configurable: true }),
  ];
  if (provider === 'neutron') {
    networks.push(common('private', null, null, [], { seg_type: 'vlan', neutron_vlan_range: true, notation: null, map_priority: 2, configurable: false }));
  } else {
    networks.push(common('fixed', null, 103, [], { notation: null, map_priority: 2, configurable: false, ext_net_data: ['fixed_networks_vlan_start', 'fixed_networks_amount'] }));
  }
  return networks;
}

export function defaultNetworkingParameters(provider: SimCluster['net_provider']): Record<string, unknown> {
  if (provider === 'nova_network') {
    return { net_manager: 'FlatDHCPManager', fixed_networks_cidr: '10.0.0.0/16', fixed_networks_vlan_start: 103, fixed_network_size: 256, fixed_networks_amount: 1, floating_ranges: [['172.16.0.128', '172.16.0.254']], dns_nameservers: ['8.8.4.4', '8.8.8.8'] };
  }
  return {
    segmentation_type: 'vlan', net_l23_provider: 'ovs', vlan_range: [1000, 1030], gre_id_range: [2, 65535], base_mac: 'fa:16:3e:00:00:00',
    internal_cidr: '192.168.111.0/24', internal_gateway: '192.168.111.1', floating_ranges: [['172.16.0.130', '172.16.0.254']], dns_nameservers: ['8.8.4.4', '8.8.8.8'],
  };
}

/** Every network a node of the cluster must carry: the admin network first, then the group's. */
export function nodeNetworks(cluster: SimCluster): SimNetwork[] {
  return [ADMIN_NETWORK, ...cluster.networks];
}

/** Untagged: no VLAN and not the private VLAN range (which rides tagged on the same NIC). */
function isUntagged(network: SimNetwork): boolean {
  return network.vlan_start === null && network.meta.neutron_vlan_range !== true;
}

/**
 * NetworkManager.get_default_networks_assignment: networks by map_priority; NICs in order; the
 * admin network only on the PXE NIC; at most one untagged network per NIC plus every tagged one
 * still unplaced; whatever is left goes to the first NIC.
 */
export function assignDefaultNetworks(node: SimNode, cluster: SimCluster): void {
  const ethers = node.nics.filter((n) => n.type === 'ether');
  node.nics = ethers;
  for (const nic of ethers) nic.assigned = [];
  const unplaced = [...nodeNetworks(cluster)].sort((a, b) => priority(a) - priority(b));
  const adminNic = ethers.find((n) => n.mac?.toLowerCase() === node.mac.toLowerCase()) ?? ethers[0];
  for (const nic of ethers) {
    let untaggedTaken = false;
    for (const network of [...unplaced]) {
      if (network.id === ADMIN_NETWORK_ID && nic !== adminNic) continue;
      if (isUntagged(network)) {
        if (untaggedTaken) continue;
        untaggedTaken = true;
      }
      nic.assigned.push(network.id);
      unplaced.splice(unplaced.indexOf(network), 1);
    }
  }
  if (ethers[0]) ethers[0].assigned.push(...unplaced.map((n) => n.id));
}

function priority(network: SimNetwork): number {
  return typeof network.meta.map_priority === 'number' ? network.meta.map_priority : 2;
}

export function clearNetworks(node: SimNode): void {
  node.nics = node.nics.filter((n) => n.type === 'ether');
  for (const nic of node.nics) nic.assigned = [];
}

/** network_data of a node in a cluster: one entry per carried network, with an address per node id. */
export function networkData(node: SimNode, cluster: SimCluster): Record<string, unknown>[] {
  const byId = new Map(nodeNetworks(cluster).map((n) => [n.id, n]));
  const out: Record<string, unknown>[] = [];
  for (const nic of node.nics) {
    for (const id of nic.assigned) {
      const network = byId.get(id);
      if (!network) continue;
      const base = { name: network.name, dev: nic.name, vlan: network.vlan_start };
      if (network.cidr === null) {
        out.push(base);
        continue;
      }
      const [address, length] = network.cidr.split('/') as [string, string];
      const ip = network.id === ADMIN_NETWORK_ID && node.ip ? node.ip : hostAddress(address, node.id + 2);
      out.push({ ...base, cidr: network.cidr, ip: `${ip}/${length}`, netmask: netmask(Number(length)), brd: hostAddress(address, 255), gateway: network.gateway || null });
    }
  }
  return out;
}

function hostAddress(networkAddress: string, host: number): string {
  const parts = networkAddress.split('.').map(Number);
  parts[3] = (parts[3] ?? 0) + (host % 254);
  return parts.join('.');
}

function netmask(length: number): string {
  const bits = length === 0 ? 0 : (~0 << (32 - length)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (bits >>> shift) & 255).join('.');
}

