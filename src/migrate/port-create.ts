import { PumphouseError } from '../errors.js';
import type { StepContext } from '../executor/runner.js';
import type { InventoryResource } from '../inventory/model.js';
import { collectAll, isConflict, network, HttpError, type ServiceClient } from '../openstack/index.js';
import type { MigrationContext } from './context.js';

/**
 * Creating a port's copy with the source's MAC and fixed IPs, never silently with others. The plan
 * already refused a MAC it knew to be taken (diff/mac-clash.ts); what Neutron refuses now was taken
 * since. A taken MAC costs the copy its MAC only: it is created again with the same fixed IPs and
 * a warning says so (the next plan shows the difference). A taken fixed IP fails the step with
 * PH1626 naming the port, the address and what holds it: a server moved onto other addresses
 * would break whatever reaches it by them, so only the operator may decide that.
 */
type PortBody = Record<string, unknown> & { network_id: string; mac_address?: unknown; fixed_ips: Array<{ subnet_id: string; ip_address?: string }> };

export async function createPortKeepingAddresses(m: MigrationContext, source: InventoryResource, body: PortBody, ctx: StepContext): Promise<string> {
  const client = await m.target.network();
  try {
    return (await network.ports.create(client, body)).id;
  } catch (error) {
    if (!isConflict(error)) throw error;
    const refusal = await addressRefusal(client, source, body, error);
    if (refusal) throw refusal;
    if (!(await macTaken(client, body))) throw error;
  }
  announceNewMac(m, ctx, source, body);
  const { mac_address: _taken, ...withoutMac } = body;
  try {
    return (await network.ports.create(client, withoutMac)).id;
  } catch (error) {
    if (!isConflict(error)) throw error;
    throw (await addressRefusal(client, source, body, error)) ?? error;
  }
}

function announceNewMac(m: MigrationContext, ctx: StepContext, source: InventoryResource, body: PortBody): void {
  const addresses = body.fixed_ips.map((ip) => ip.ip_address).filter(Boolean).join(', ') || 'none';
  const message = `${source.address}: MAC ${String(body.mac_address)} is taken on the target's network since the plan was made: its copy gets a new MAC, with the same fixed IPs (${addresses})`;
  ctx.progress({ phase: 'MAC taken on the target: creating the port with a new MAC and the same fixed IPs' });
  m.events.emit({ type: 'warning', level: 'warn', message, data: { code: 'PH1627', hint: 'the next plan shows the MAC as a conflict; free it on the target and replace the port if the guest needs its MAC' } });
  m.allowDeviation(source.address, 'attributes.macAddress');
}

async function addressRefusal(client: ServiceClient, source: InventoryResource, body: PortBody, error: unknown): Promise<PumphouseError | undefined> {
  const addresses = body.fixed_ips.flatMap((ip) => (ip.ip_address ? [ip.ip_address] : []));
  for (const address of addresses) {
    const holders = await collectAll(network.ports.list(client, { network_id: body.network_id, fixed_ips: `ip_address=${address}` }));
    if (holders[0]) return ipTaken(source, address, describeHolder(holders[0]));
  }
  // No port holds it, yet Neutron named it (an address it keeps for itself): what it said is all there is.
  const said = error instanceof HttpError ? error.serverMessage : undefined;
  const named = said ? addresses.find((address) => new RegExp(`(^|[^\\d.])${address.replace(/\./g, '\\.')}($|[^\\d])`).test(said)) : undefined;
  return named ? ipTaken(source, named, `Neutron, which says: ${said}`) : undefined;
}

function ipTaken(source: InventoryResource, address: string, holder: string): PumphouseError {
  return new PumphouseError('PH1626', `${source.address}: its fixed IP ${address} is held on the target by ${holder}; the copy keeps the source's addresses, so it was not created`, {
    hint: 'free that address on the target (delete or re-address what holds it), then run apply again; or give the source port another address and plan again',
  });
}

function describeHolder(port: network.ports.Port): string {
  const owner = port.device_owner ? `, ${port.device_owner}${port.device_id ? ` ${port.device_id}` : ''}` : '';
  return `port ${port.id}${port.name ? ` "${port.name}"` : ''} (project ${port.project_id || 'none'}${owner})`;
}

async function macTaken(client: ServiceClient, body: PortBody): Promise<boolean> {
  if (typeof body.mac_address !== 'string') return false;
  const holders = await collectAll(network.ports.list(client, { network_id: body.network_id, mac_address: body.mac_address, fields: ['id'] }));
  return holders.length > 0;
}
