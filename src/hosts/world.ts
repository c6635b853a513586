import type { PumphouseConfig } from '../config/load.js';
import { PumphouseError } from '../errors.js';
import type { EventSink } from '../events/sink.js';
import { connectFuel, fuelConnectOptions, type FuelClient } from '../fuel/index.js';
import { HARDWARE_CODES, powerDriverFor, type PowerDriver } from '../hardware/index.js';
import type { Cloud } from '../openstack/index.js';
import type { HostStepWorld } from './context.js';
import { fuelOps } from './fuel-ops.js';
import { novaHostOps } from './nova-ops.js';
import type { FuelOps } from './ports.js';

/**
 * The host steps' world from pumphouse.yaml and the apply's two clouds. Fuel is reached only
 * when a step first needs it (a plan that only puts hosts in maintenance never connects), and
 * each host's power driver is made once.
 */
export function hostStepWorld(config: PumphouseConfig, clouds: { source: Cloud; target: Cloud }, events: EventSink): HostStepWorld {
  const drivers = new Map<string, PowerDriver>();
  const power = (host: string): PowerDriver => {
    const hardware = config.hosts[host];
    if (!hardware) {
      throw new PumphouseError(HARDWARE_CODES.noBmc, `pumphouse.yaml has no BMC for ${host}`, { hint: `add hosts.${host}.bmc: { driver: ipmitool | redfish, address, username, password: \${ENV_VAR} } to ${config.file}` });
    }
    let driver = drivers.get(host);
    if (!driver) drivers.set(host, (driver = powerDriverFor(hardware.bmc)));
    return driver;
  };
  const fuel = config.fuel;
  return {
    sourceNova: novaHostOps(clouds.source),
    targetNova: novaHostOps(clouds.target),
    hardware: config.hosts,
    power,
    ...(fuel ? { fuel: lazyFuel(() => connectFuel(fuelConnectOptions(fuel, events))), fuelEnvironment: fuel.environment } : {}),
  };
}

/** FuelOps that connect on first use, once (a failed connection is tried again next time). */
function lazyFuel(connect: () => Promise<FuelClient>): FuelOps {
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
  return {
    environmentId: async (name) => (await get()).environmentId(name),
    nodes: async () => (await get()).nodes(),
    node: async (id) => (await get()).node(id),
    assign: async (env, node, roles) => (await get()).assign(env, node, roles),
    copyLayout: async (node, template, env) => (await get()).copyLayout(node, template, env),
    provision: async (env, node) => (await get()).provision(env, node),
    deploy: async (env, node) => (await get()).deploy(env, node),
    task: async (id) => (await get()).task(id),
    activeTask: async (env, name) => (await get()).activeTask(env, name),
  };
}
