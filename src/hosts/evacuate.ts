import { placeLeavingServers } from '../diff/host-placement.js';
import { PumphouseError } from '../errors.js';
import type { StepContext, StepRunner } from '../executor/runner.js';
import { HOST_STEP_CODES, hostChangeOf, hostNameOf, pollUntil, type HostStepContext } from './context.js';
import type { EvacuationMove, HostServerView } from './adapters.js';

/**
 * `evacuate-host`: what still runs on the host leaves it, the way the plan says:
 *   live      live migration (a stopped server cannot be live-migrated: it is cold-migrated);
 *   cold      cold migration, then the resize confirmed;
 *   evacuate  the host's nova-compute is forced down, then each server is rebuilt elsewhere
 *             (for a host that is already dead; ephemeral disks are lost, the plan says so);
 *   target    the plan's own server steps moved them to the target cloud (they ran first), so
 *             anything left is an error naming it.
 * At most `parallelism` servers move at once (the plan's per-host setting, default 2). A server
 * already on its way (MIGRATING, RESIZE, VERIFY_RESIZE) is waited for, not moved twice, so a
 * resumed step picks up where a killed one stopped. A server being deleted (its copy moved to
 * the target just before) is waited for, not moved: the host must not reboot under a delete.
 * Done when the host runs nothing. Before `evacuate` forces a host down, what Nova says now is
 * checked the way the plan was (diff/host-placement.ts): if a server has no enabled host that keeps
 * its server group's rule and has room, nothing is forced down and the step fails naming it.
 */
const MOVING = new Set(['MIGRATING', 'RESIZE', 'REBUILD']);

export function evacuateRunner(h: HostStepContext): StepRunner {
  return {
    async observe(ctx) {
      return { done: (await h.sourceNova.serversOn(hostNameOf(ctx.step.address))).length === 0 };
    },
    async run(ctx) {
      const host = hostNameOf(ctx.step.address);
      const change = hostChangeOf(h, ctx.step.address);
      const servers = await h.sourceNova.serversOn(host);
      if (servers.length === 0) return;
      if (change.evacuate === 'target') refuseLeftovers(ctx.step.address, host, servers);
      if (change.evacuate === 'evacuate') await forceDownForEvacuation(ctx, h, host, servers, change.to);
      await moveAll(ctx, h, host, servers, { how: change.evacuate as EvacuationMove, to: change.to, width: Math.max(1, change.parallelism ?? 2) });
    },
    async verify(ctx) {
      const host = hostNameOf(ctx.step.address);
      const left = await h.sourceNova.serversOn(host);
      if (left.length > 0) throw new PumphouseError(HOST_STEP_CODES.serversRemain, `${ctx.step.address}: ${left.map((s) => `${s.name} (${s.status})`).join(', ')} still on ${host}`, { hint: 'run apply again; if a server cannot move, move or delete it by hand' });
    },
  };
}

/** With `evacuate: target` the plan's server steps moved the host's servers: any left were not in the plan. */
function refuseLeftovers(address: string, host: string, servers: readonly HostServerView[]): never {
  throw new PumphouseError(HOST_STEP_CODES.serversRemain, `${address}: ${servers.length} server(s) are still on ${host} though the plan moved its servers to the target: ${servers.map((s) => s.name).join(', ')}`, {
    hint: 'they were probably created after the plan was made: re-plan so they move too',
  });
}

/**
 * An evacuated server that finds no host ends in ERROR on a host that is down: each must have
 * somewhere to go before the host is forced down and the first one is rebuilt.
 */
async function forceDownForEvacuation(ctx: StepContext, h: HostStepContext, host: string, servers: readonly HostServerView[], to: readonly string[]): Promise<void> {
  await requireSomewhereToGo(h, ctx.step.address, host, servers.filter((s) => !MOVING.has(s.status)), to);
  const service = await h.sourceNova.computeService(host);
  if (service && !service.forcedDown && service.state === 'up') {
    ctx.progress({ phase: `forcing nova-compute on ${host} down (evacuate rebuilds its servers elsewhere)` });
    await h.sourceNova.forceDown(service, true);
  }
}

/** Every server off `host`, at most `width` at once. */
async function moveAll(ctx: StepContext, h: HostStepContext, host: string, servers: readonly HostServerView[], options: { how: EvacuationMove; to: readonly string[]; width: number }): Promise<void> {
  const queue = [...servers];
  const worker = async (): Promise<void> => {
    for (let server = queue.shift(); server; server = queue.shift()) await moveOne(ctx, h, host, server, options.how, options.to);
  };
  await Promise.all(Array.from({ length: Math.min(options.width, queue.length) }, worker));
}

/** One server off `host`: moved unless already on its way, followed until it settles elsewhere, a cold move's resize confirmed. */
async function moveOne(ctx: StepContext, h: HostStepContext, host: string, server: HostServerView, how: EvacuationMove, to: readonly string[]): Promise<void> {
  if (server.taskState === 'deleting') return waitGone(ctx, h, host, server);
  const method: EvacuationMove = how === 'live' && server.status === 'SHUTOFF' ? 'cold' : how;
  if (!MOVING.has(server.status) && server.status !== 'VERIFY_RESIZE') {
    ctx.progress({ phase: `${method === 'live' ? 'live-migrating' : method === 'cold' ? 'cold-migrating' : 'evacuating'} ${server.name} (${server.id})` });
    await h.sourceNova.move(server.id, method, to);
  }
  const what = `server ${server.name} (${server.id}) leaving ${host}`;
  const settled = await pollUntil(ctx, h, async () => {
    const now = await h.sourceNova.server(server.id);
    if (!now) return { status: 'GONE', host: null } as const;
    if (now.status === 'ERROR') throw new PumphouseError(HOST_STEP_CODES.moveFailed, `${what}: the server went to ERROR`, { hint: 'look at the server\'s fault and the nova-compute logs; fix it or move it by hand, then run apply again' });
    return MOVING.has(now.status) ? undefined : now;
  }, { timeoutMs: h.m.waitTimeoutMs, code: HOST_STEP_CODES.moveFailed, what, hint: 'the migration may be stuck: look at `openstack server migration list`, then run apply again' });
  if (settled.host === host && settled.status !== 'VERIFY_RESIZE') {
    throw new PumphouseError(HOST_STEP_CODES.moveFailed, `${what}: the move ended with the server still on ${host} (${settled.status})`, {
      hint: 'Nova rolled the migration back: look at `openstack server migration list` and the nova-compute logs for why, then run apply again',
    });
  }
  if (settled.status === 'VERIFY_RESIZE') await confirmColdMove(ctx, h, server, what);
}

async function confirmColdMove(ctx: StepContext, h: HostStepContext, server: HostServerView, what: string): Promise<void> {
  await h.sourceNova.confirmResize(server.id);
  await pollUntil(ctx, h, async () => {
    const now = await h.sourceNova.server(server.id);
    return now && now.status !== 'VERIFY_RESIZE' ? now : undefined;
  }, { timeoutMs: h.m.waitTimeoutMs, code: HOST_STEP_CODES.moveFailed, what: `${what}: confirming the cold migration`, hint: 'run apply again' });
}

/** A server being deleted (its copy moved to the target just before) is waited for: the host must not reboot under a delete. */
async function waitGone(ctx: StepContext, h: HostStepContext, host: string, server: HostServerView): Promise<void> {
  ctx.progress({ phase: `waiting for ${server.name} (${server.id}) to be deleted from ${host}` });
  await pollUntil(ctx, h, async () => ((await h.sourceNova.server(server.id)) ? undefined : true), {
    timeoutMs: h.m.waitTimeoutMs, code: HOST_STEP_CODES.serversRemain, what: `server ${server.name} (${server.id}) being deleted from ${host}`,
    hint: 'the delete may be stuck: look at the server in Nova (reset its state and delete it again), then run apply again',
  });
}

/** @throws PH1672 when a server leaving `host` has no enabled host to go to (group rules, room) */
async function requireSomewhereToGo(h: HostStepContext, address: string, host: string, servers: readonly HostServerView[], to: readonly string[]): Promise<void> {
  const snapshot = await h.sourceNova.placementSnapshot();
  const isHost = (hv: { name: string; serviceHost: string }): boolean => hv.name === host || hv.serviceHost === host;
  const usable = snapshot.hypervisors.filter((hv) => hv.enabled && hv.up && !isHost(hv));
  const unavailable = new Map(snapshot.hypervisors.filter((hv) => !isHost(hv) && !usable.includes(hv)).map((hv) => [hv.name, hv.enabled ? 'is down' : 'is disabled']));
  const leavingHost = snapshot.hypervisors.find(isHost)?.name ?? host;
  const homeless = placeLeavingServers({
    hosts: usable.map((hv) => ({ name: hv.name, freeRamMb: hv.freeRamMb, freeDiskGb: hv.freeDiskGb })),
    unavailable,
    servers: snapshot.servers.map((s) => ({ key: s.id, name: s.name, host: s.host, ramMb: s.ramMb, diskGb: s.diskGb })),
    groups: snapshot.groups,
    leaving: [{ host: leavingHost, servers: servers.map((s) => s.id), to }],
  });
  if (homeless.length === 0) return;
  const what = homeless.map((x) => `${x.server.name}${x.group ? ` (server group ${x.group.name}, ${x.group.policy})` : ''}: ${x.why}`);
  throw new PumphouseError(HOST_STEP_CODES.noDestination, `${address}: not forcing ${host} down: ${homeless.length} server(s) would have nowhere to go — ${what.join('; ')}`, {
    hint: 'nothing was forced down; move those servers (or their group\'s other members) first, or bring a host they may use back into service, then run apply again',
  });
}