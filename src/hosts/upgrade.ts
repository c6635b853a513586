import { PumphouseError } from '../errors.js';
import type { StepContext, StepRunner } from '../executor/runner.js';
import { HOST_STEP_CODES, hostChangeOf, hostNameOf, pollUntil, type HostStepContext } from './context.js';
import type { FuelNodeRef, FuelOps, FuelTaskRef } from './ports.js';

/**
 * `upgrade-host`: the emptied host becomes a compute node of the target.
 *   1. PXE as its next boot and a reset, through its BMC;
 *   2. it appears in Fuel as a `discover` node, matched by one of its PXE MACs;
 *   3. it is assigned to the environment with its roles, and its disks and interfaces are laid
 *      out like the template compute node's;
 *   4. Fuel provisions, then deploys, that node only; the tasks are polled to the end;
 *   5. its nova-compute is up and enabled in the target;
 *   6. its services are removed from the source.
 * Each phase leaves its result in the step's checkpoint (the Fuel node, the task ids) before the
 * next begins, so a resumed step never PXE-boots a host Fuel already sees, and polls the task
 * it started instead of deploying twice. Fuel's own state is read first on every resume: a node
 * already provisioned is not provisioned again.
 */
interface UpgradeCheckpoint {
  pxeBootedAt?: string;
  nodeId?: number;
  provisionTaskId?: number;
  deployTaskId?: number;
}

const DEPLOYED = new Set(['ready']);
const PROVISIONED = new Set(['provisioned', 'deploying', 'ready']);

export function upgradeRunner(h: HostStepContext): StepRunner {
  const requireFuel = (address: string): FuelOps => {
    if (h.fuel) return h.fuel;
    throw new PumphouseError(HOST_STEP_CODES.noFuel, `${address}: upgrading a host needs the Fuel master, and pumphouse.yaml has no \`fuel\``, {
      hint: 'add fuel: { url, username, password: ${FUEL_PASSWORD}, environment } to pumphouse.yaml',
    });
  };

  const macsOf = (address: string): string[] => {
    const host = hostNameOf(address);
    const macs = h.hardware[host]?.pxeMacs ?? [];
    if (macs.length === 0) {
      throw new PumphouseError(HOST_STEP_CODES.noPxeMacs, `${address}: pumphouse.yaml names no PXE MAC for ${host}, so its Fuel node cannot be recognised`, {
        hint: `add hosts.${host}.pxe_macs: [the MAC of the NIC it PXE-boots from]`,
      });
    }
    return macs;
  };

  const nodeWithMac = (nodes: readonly FuelNodeRef[], macs: readonly string[]): FuelNodeRef | undefined =>
    nodes.find((n) => n.macs.some((mac) => macs.includes(mac.toLowerCase())));

  /** The target's name for the deployed node: how its nova-compute registers. */
  const computeHostOf = (node: FuelNodeRef): string[] => [node.hostname, node.fqdn, node.fqdn?.split('.')[0], `node-${node.id}`].filter((n): n is string => typeof n === 'string' && n !== '');

  async function environment(fuel: FuelOps, address: string): Promise<{ id: number; name: string }> {
    const name = hostChangeOf(h, address).fuel?.environment ?? h.fuelEnvironment;
    if (!name) throw new PumphouseError(HOST_STEP_CODES.noFuel, `${address}: no Fuel environment to add it to`, { hint: 'set fuel.environment in pumphouse.yaml (or spec.hosts[].fuel.environment in the plan)' });
    return { id: await fuel.environmentId(name), name };
  }

  async function template(fuel: FuelOps, address: string, envId: number, self: number): Promise<FuelNodeRef> {
    const named = hostChangeOf(h, address).fuel?.template;
    const nodes = (await fuel.nodes()).filter((n) => n.cluster === envId && n.id !== self);
    const ready = nodes.filter((n) => n.status === 'ready' && n.roles.includes('compute'));
    const found = named ? nodes.find((n) => [n.name, ...computeHostOf(n)].includes(named)) : ready[0];
    if (!found) {
      throw new PumphouseError(HOST_STEP_CODES.noTemplate, named ? `${address}: the template node ${named} is not in Fuel environment ${envId}` : `${address}: Fuel environment ${envId} has no ready compute node to copy the layout from`, {
        hint: `name one in spec.hosts[].fuel.template (ready compute nodes: ${ready.map((n) => n.fqdn ?? n.name).join(', ') || 'none'})`,
      });
    }
    return found;
  }

  /** PXE + reset (once), then the node Fuel sees for the host's MACs. */
  async function registeredNode(ctx: StepContext, fuel: FuelOps, address: string): Promise<FuelNodeRef> {
    const saved = ctx.checkpoint as UpgradeCheckpoint | undefined;
    if (saved?.nodeId !== undefined) return fuel.node(saved.nodeId);
    const macs = macsOf(address);
    const known = nodeWithMac(await fuel.nodes(), macs);
    if (known) {
      await ctx.saveCheckpoint({ nodeId: known.id });
      return known;
    }
    if (!saved?.pxeBootedAt) {
      const bmc = h.power(hostNameOf(address));
      ctx.progress({ phase: `setting PXE as the next boot and resetting the host through ${bmc.description}` });
      await bmc.bootFromNetwork();
      await ctx.saveCheckpoint({ pxeBootedAt: new Date().toISOString() });
    }
    ctx.progress({ phase: `waiting for the host to boot Fuel's bootstrap and register (MAC ${macs.join(', ')})` });
    const node = await pollUntil(ctx, h, async () => {
      const found = nodeWithMac(await fuel.nodes(), macs);
      return found && found.online ? found : undefined;
    }, {
      timeoutMs: h.discoverTimeoutMs ?? 15 * 60_000, code: HOST_STEP_CODES.notInFuel, what: `${address}: no Fuel node with MAC ${macs.join(', ')}`,
      hint: 'check on the host\'s console that it PXE-boots from the Fuel admin network (BIOS boot order, the NIC, DHCP from the Fuel master); run apply again to wait more',
    });
    await ctx.saveCheckpoint({ nodeId: node.id });
    return node;
  }

  /**
   * Polls the task to its end: the one the checkpoint names, else one Fuel is still running for
   * the environment (started just before a kill could record it), else a new one.
   */
  async function runTask(ctx: StepContext, fuel: FuelOps, envId: number, kind: 'provision' | 'deployment', start: () => Promise<FuelTaskRef>, nodeId: number, label: string): Promise<void> {
    const key = kind === 'provision' ? 'provisionTaskId' : 'deployTaskId';
    const saved = (ctx.checkpoint as UpgradeCheckpoint | undefined)?.[key];
    const task = saved !== undefined ? await fuel.task(saved) : (await fuel.activeTask(envId, kind)) ?? (await start());
    if (saved !== task.id) await ctx.saveCheckpoint({ [key]: task.id });
    let said = '';
    const done = await pollUntil(ctx, h, async () => {
      const now = await fuel.task(task.id);
      const node = await fuel.node(nodeId);
      const phase = `${label}: task ${now.status} ${now.progress}%, node ${node.status} ${node.progress}%`;
      if (phase !== said) ctx.progress({ phase });
      said = phase;
      return now.status === 'ready' || now.status === 'error' ? now : undefined;
    }, { timeoutMs: h.deployTimeoutMs ?? 2 * 3_600_000, code: HOST_STEP_CODES.fuelTaskFailed, what: `${label} (Fuel task ${task.id})`, hint: 'look at the task in Fuel; run apply again to keep waiting for the same task' });
    if (done.status === 'error') {
      // Forgotten, so the next apply starts a new task rather than reading this failure again.
      await ctx.saveCheckpoint({ [key]: undefined });
      throw new PumphouseError(HOST_STEP_CODES.fuelTaskFailed, `${label} failed in Fuel (task ${task.id}): ${done.message ?? 'no message'}`, {
        hint: 'fix the cause (the node\'s logs on the Fuel master), then run apply again: it starts a new task for this node',
      });
    }
  }

  async function serving(node: FuelNodeRef): Promise<boolean> {
    for (const host of computeHostOf(node)) {
      const service = await h.targetNova.computeService(host);
      if (service) return service.state === 'up' && service.status === 'enabled';
    }
    return false;
  }

  return {
    async observe(ctx) {
      const mapped = h.m.ledger.mapping(ctx.step.address);
      if (!mapped || !h.fuel) return { done: false };
      const service = await h.targetNova.computeService(mapped);
      const gone = (await h.sourceNova.computeService(hostNameOf(ctx.step.address))) === undefined;
      return { done: service?.state === 'up' && service.status === 'enabled' && gone, targetId: mapped };
    },
    async run(ctx) {
      const address = ctx.step.address;
      const fuel = requireFuel(address);
      const env = await environment(fuel, address);
      const envId = env.id;
      let node = await registeredNode(ctx, fuel, address);
      if (node.cluster !== null && node.cluster !== envId) {
        throw new PumphouseError(HOST_STEP_CODES.otherEnvironment, `${address}: its Fuel node ${node.name} (#${node.id}) belongs to environment #${node.cluster}, not ${env.name} (#${envId})`, {
          hint: 'unassign it in Fuel (or delete the node so it registers afresh), then run apply again',
        });
      }
      const roles = hostChangeOf(h, address).fuel?.roles ?? ['compute'];
      if (node.cluster === null) {
        ctx.progress({ phase: `assigning Fuel node #${node.id} to environment ${env.name} as ${roles.join(', ')}` });
        await fuel.assign(envId, node.id, roles);
        node = await fuel.node(node.id);
      }
      if (!PROVISIONED.has(node.status)) {
        // Fuel refuses layout changes while a node provisions (a resume finds it so): only before.
        if (node.status === 'discover') {
          const model = await template(fuel, address, envId, node.id);
          ctx.progress({ phase: `copying the disk and interface layout of ${model.fqdn ?? model.name}` });
          await fuel.copyLayout(node.id, model.id, envId);
        }
        await runTask(ctx, fuel, envId, 'provision', () => fuel.provision(envId, node.id), node.id, `provisioning node #${node.id}`);
        node = await fuel.node(node.id);
      }
      if (!DEPLOYED.has(node.status)) {
        await runTask(ctx, fuel, envId, 'deployment', () => fuel.deploy(envId, node.id), node.id, `deploying node #${node.id} as ${roles.join(', ')}`);
        node = await fuel.node(node.id);
      }
      ctx.progress({ phase: `waiting for nova-compute on ${computeHostOf(node)[0]} to serve the target` });
      const deployed = node;
      await pollUntil(ctx, h, async () => ((await serving(deployed)) ? true : undefined), {
        timeoutMs: h.m.waitTimeoutMs, code: HOST_STEP_CODES.notServing, what: `${address}: nova-compute of Fuel node #${node.id} up and enabled in the target`,
        hint: 'look at nova-compute on the node (its log, its connection to the target\'s message queue); run apply again to keep waiting',
      });
      const targetHost = (await firstServiceHost(h, deployed)) ?? computeHostOf(deployed)[0] as string;
      // On disk before the source forgets the host: then only this mapping says it was upgraded.
      await h.m.ledger.saveMapping(address, targetHost);
      const old = await h.sourceNova.computeService(hostNameOf(address));
      if (old) {
        ctx.progress({ phase: `removing ${hostNameOf(address)}'s nova-compute from the source` });
        await h.sourceNova.deleteService(old);
      }
      return { targetId: targetHost };
    },
    async verify(ctx) {
      const mapped = h.m.ledger.mapping(ctx.step.address);
      const service = mapped ? await h.targetNova.computeService(mapped) : undefined;
      if (!(service?.state === 'up' && service.status === 'enabled')) throw new Error(`${ctx.step.address}: no nova-compute up and enabled for it in the target`);
    },
  };

  async function firstServiceHost(ctx: HostStepContext, node: FuelNodeRef): Promise<string | undefined> {
    for (const host of computeHostOf(node)) if (await ctx.targetNova.computeService(host)) return host;
    return undefined;
  }
}
