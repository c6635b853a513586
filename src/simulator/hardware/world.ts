/**
 * The sandbox's physical machines: one world shared by the source cloud (its hypervisors run on
 * them), the BMCs (which power them and set their next boot device) and Fuel (which sees a
 * machine that PXE-boots as a `discover` node). A machine is plain state; what boots it and
 * what it boots into is told to listeners, so the BMC simulators and the Fuel simulator never
 * import each other.
 */

export interface MachineNic {
  /** Kernel name as the bootstrap reports it: eth0, eth1… */
  name: string;
  mac: string;
  /** The NIC the machine PXE-boots from (Fuel's admin network). */
  pxe: boolean;
}

export interface MachineDisk {
  /** Kernel name: sda, sdb… */
  name: string;
  sizeBytes: number;
  model: string;
}

export type BootDevice = 'disk' | 'pxe';

export interface Machine {
  /** The hypervisor hostname it serves as (cmp-3); stays the machine's name after re-provisioning. */
  name: string;
  serial: string;
  manufacturer: string;
  product: string;
  power: 'on' | 'off';
  /** Next boot only (IPMI "next boot", Redfish `Once`); cleared by the boot that uses it. */
  bootOverride: BootDevice | 'none';
  nics: MachineNic[];
  disks: MachineDisk[];
  memoryBytes: number;
  cpus: number;
  /** Boots so far, for tests. */
  boots: number;
}

export interface BootEvent {
  machine: Machine;
  /** What it boots into: the override if one was set, else its disk. */
  device: BootDevice;
  cause: 'power-on' | 'reset';
}

export type BootListener = (event: BootEvent) => void;

export class HardwareWorld {
  private readonly machines = new Map<string, Machine>();
  private readonly listeners: BootListener[] = [];

  add(machine: Omit<Machine, 'boots' | 'power' | 'bootOverride'> & Partial<Pick<Machine, 'power' | 'bootOverride'>>): Machine {
    if (this.machines.has(machine.name)) throw new Error(`machine ${machine.name} exists already`);
    const full: Machine = { power: 'on', bootOverride: 'none', boots: 0, ...machine };
    this.machines.set(full.name, full);
    return full;
  }

  /** Every machine on, booting from disk, as when it was added. */
  resetMachines(): void {
    for (const machine of this.machines.values()) Object.assign(machine, { power: 'on', bootOverride: 'none', boots: 0 });
  }

  get(name: string): Machine | undefined {
    return this.machines.get(name);
  }

  all(): Machine[] {
    return [...this.machines.values()];
  }

  /** The machine one of whose NICs has this MAC (case-insensitive). */
  byMac(mac: string): Machine | undefined {
    const wanted = mac.toLowerCase();
    return this.all().find((m) => m.nics.some((n) => n.mac.toLowerCase() === wanted));
  }

  onBoot(listener: BootListener): void {
    this.listeners.push(listener);
  }

  setBootOverride(name: string, device: BootDevice | 'none'): void {
    this.require(name).bootOverride = device;
  }

  powerOn(name: string): void {
    const machine = this.require(name);
    if (machine.power === 'on') return;
    machine.power = 'on';
    this.boot(machine, 'power-on');
  }

  powerOff(name: string): void {
    this.require(name).power = 'off';
  }

  /** A hard reset: a machine that is on boots again; one that is off stays off (as most BMCs do). */
  reset(name: string): void {
    const machine = this.require(name);
    if (machine.power === 'on') this.boot(machine, 'reset');
  }

  private boot(machine: Machine, cause: BootEvent['cause']): void {
    const device: BootDevice = machine.bootOverride === 'none' ? 'disk' : machine.bootOverride;
    machine.bootOverride = 'none';
    machine.boots += 1;
    for (const listener of this.listeners) listener({ machine, device, cause });
  }

  private require(name: string): Machine {
    const machine = this.machines.get(name);
    if (!machine) throw new Error(`no machine ${name}`);
    return machine;
  }
}
