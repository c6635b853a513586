import { managementOf, type PumphouseConfig } from '../config/load.js';
import { PumphouseError } from '../errors.js';
import type { EventSink } from '../events/sink.js';
import { connectFuel, fuelConnectOptions, type FuelClient } from '../fuel/index.js';
import type { BmcSpec } from '../config/types.js';
import { HARDWARE_CODES, powerDriverFor, type PowerDriver } from '../hardware/index.js';
import type { Cloud } from '../openstack/index.js';
import type { HostStepWorld } from './context.js';
import { fuelOps } from './fuel-ops.js';
import { novaHostOps } from './nova-ops.js';
import type { FuelOps, PowerFor } from './adapters.js';

/**
 * The host steps' world from pumphouse.yaml and the apply's two clouds. Fuel is reached only
 * when a step first needs it (a plan that only puts hosts in maintenance never connects), and
 * each host's power driver is made once, when a step first needs it (a Fuel-managed host never).
 */
export function hostStepWorld(config: PumphouseConfig, clouds: { source: Cloud; target: Cloud }, events: EventSink): HostStepWorld {
  const fuel = config.fuel;
  return {
    sourceNova: novaHostOps(clouds.source),
    targetNova: novaHostOps(clouds.target),
    hardware: config.hosts,
    management: (host) => managementOf(config, host),
    power: powerFor(config),
    ...(fuel ? {
      fuel: lazyFuel(() => connectFuel(fuelConnectOptions(fuel, events))),
      fuelEnvironment: fuel.environment,
      ...(fuel.sourceEnvironment ? { fuelSourceEnvironment: fuel.sourceEnvironment } : {}),
    } : {}),
  };
}

/** Each host's BMC driver, made when first asked for, once. @throws PH1806 for a host pumphouse.yaml gives no BMC */
export function powerFor(config: Pick<PumphouseConfig, 'hosts' | 'file'>, makeDriver: (bmc: BmcSpec) => PowerDriver = powerDriverFor): PowerFor {
  const drivers = new Map<string, PowerDriver>();
  return (host) => {
    const bmc = config.hosts[host]?.bmc;
    if (!bmc) {
      throw new PumphouseError(HARDWARE_CODES.noBmc, `pumphouse.yaml has no BMC for ${host}`, {
        hint: `add hosts.${host}.bmc: { driver: ipmitool | redfish, address, username, password: \${ENV_VAR} } to ${config.file}, or hosts.${host}.management: fuel if the source's Fuel manages it`,
      });
    }
    let driver = drivers.get(host);
    if (!driver) drivers.set(host, (driver = makeDriver(bmc)));
    return driver;
  };
}

/** Every operation of FuelOps: the lazy wrapper forwards each (the compiler checks the list is whole). */
const OPERATIONS = {
  environmentId: true, environments: true, nodes: true, node: true, assign: true, unassign: true, rename: true, copyLayout: true,
  fixedLayoutProblems: true, applyFixedLayout: true, provision: true, deploy: true, deployChanges: true, task: true, activeTask: true,
} as const satisfies Record<keyof FuelOps, true>;

/** FuelOps that connect on first use, once (a failed connection is tried again next time). */
export function lazyFuel(connect: () => Promise<FuelClient>): FuelOps {
  let ops: Promise<FuelOps> | undefined;
  const get = (): Promise<FuelOps> => {
    if (!ops) {
      const connecting = connect().then(fuelOps);
      connecting.catch(() => {
        if (ops === connecting) ops = undefined;
      });
      ops = connecting;
    }
    return ops;
  };
  const forward = (name: keyof FuelOps) => async (...args: unknown[]): Promise<unknown> => ((await get())[name] as (...a: unknown[]) => Promise<unknown>)(...args);
  return Object.fromEntries(Object.keys(OPERATIONS).map((name) => [name, forward(name as keyof FuelOps)])) as unknown as FuelOps;
}
