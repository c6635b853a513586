import type { SimDisk, SimNode, SimRelease } from './model.js';

/**
 * Disk sizes and default volume layouts (fuel-api.md §3.4). The reserved space per disk and the
 * `os` size are simplifications of volumes/manager.py, chosen so numbers look like Fuel's.
 */

/** Boot partition (200), bios_grub (24) and LVM metadata (64) on every disk, in MB (inferred). */
export const RESERVED_MB_PER_DISK = 288;
/** The base system's size on the first disk. */
export const OS_VOLUME_MB = 51200;

export function usableMb(bytes: number): number {
  return Math.max(0, Math.floor(bytes / (1024 * 1024)) - RESERVED_MB_PER_DISK);
}

/** The volume names of `roles` (a cluster node without roles gets `other`: os only). */
export function volumeNames(roles: readonly string[], release: SimRelease): string[] {
  const names: string[] = [];
  for (const role of roles.length > 0 ? roles : ['other']) {
    for (const name of release.volumes_roles_mapping[role] ?? ['os']) if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Resets the node's volumes to the defaults of its roles: `os` on the first disk, the first data
 * volume taking the rest of every disk, other volumes empty. Outside a cluster: no volumes.
 */
export function resetVolumes(node: SimNode, release: SimRelease): void {
  if (node.cluster === null) {
    for (const disk of node.disks) disk.volumes = [];
    return;
  }
  const names = volumeNames([...node.roles, ...node.pending_roles], release);
  const data = names.find((n) => n !== 'os');
  node.disks.forEach((disk: SimDisk, index: number) => {
    const os = index === 0 ? Math.min(OS_VOLUME_MB, disk.size) : 0;
    disk.volumes = names.map((name) => ({ name, size: name === 'os' ? os : name === data ? disk.size - os : 0 }));
  });
}
