import { createHash } from 'node:crypto';
import type { Machine } from '../hardware/world.js';

/**
 * What fuel-nailgun-agent sends from a bootstrapped machine (POST /api/nodes, PUT /api/nodes/agent):
 * the admin NIC's MAC and IP, and meta built from the machine's NICs, disks, memory and CPUs
 * (fuel-api.md §3.3). Disk ids are by-path names, as on real hardware, so they differ from the
 * kernel names.
 */
export function agentBody(machine: Machine, adminIp: string): Record<string, unknown> {
  const pxe = machine.nics.find((n) => n.pxe) ?? machine.nics[0];
  if (!pxe) throw new Error(`machine ${machine.name} has no NIC to PXE-boot from`);
  const meta = {
    interfaces: machine.nics.map((nic) => ({
      name: nic.name, mac: nic.mac.toLowerCase(), max_speed: 1000, current_speed: 1000, state: 'up', pxe: nic.pxe, driver: 'igb',
      bus_info: `0000:0${machine.nics.indexOf(nic) + 1}:00.0`, ...(nic === pxe ? { ip: adminIp, netmask: '255.255.255.0' } : {}),
    })),
    disks: machine.disks.map((disk, index) => ({
      name: disk.name, disk: `disk/by-path/pci-0000:00:1f.2-scsi-0:0:${index}:0`, model: disk.model, size: disk.sizeBytes, removable: '0',
      extra: [`disk/by-id/ata-${disk.model.replace(/\s+/g, '_')}_${machine.serial}-${index}`],
    })),
    memory: {
      total: machine.memoryBytes, slots: 1, maximum_capacity: machine.memoryBytes * 2,
      devices: [{ size: machine.memoryBytes, type: 'DDR3', frequency: 1333 }],
    },
    cpu: { real: 1, total: machine.cpus, spec: Array.from({ length: machine.cpus }, () => ({ model: 'Intel(R) Xeon(R) CPU E5-2620 0 @ 2.00GHz', frequency: 2001 })) },
    system: { manufacturer: machine.manufacturer, product: machine.product, serial: machine.serial, family: 'Server', version: '1.0', fqdn: 'bootstrap.domain.tld' },
  };
  const body = { mac: pxe.mac.toLowerCase(), ip: adminIp, os_platform: 'ubuntu', manufacturer: machine.manufacturer, platform_name: machine.product, status: 'discover', is_agent: true, meta };
  return { ...body, agent_checksum: createHash('sha1').update(JSON.stringify(body)).digest('hex') };
}
