/**
 * Where the servers leaving hosts can go, the way Nova's scheduler filters destinations: another
 * host whose nova-compute is enabled and up, that the plan does not take out, with room for the
 * flavor (RAM and local disk, without overcommit: what the hypervisor reports free), and that
 * keeps every hard server-group rule (anti-affinity: none of the group's other members there;
 * affinity: where they are). Servers are placed one by one as the evacuation would move them, each
 * on the allowed host with the most free RAM (Nova's RAM weigher), so two servers of one
 * anti-affinity group leaving together cannot both take the last free host.
 *
 * Pure: the plan runs it on the inventories (a conflict before any change), `evacuate` on what
 * Nova says just before it forces a host down. A server that fits nowhere comes back with why,
 * host by host, naming the group that forbids it.
 */
export interface PlacementHost {
  name: string;
  /** Infinity when the cloud does not say. */
  freeRamMb: number;
  freeDiskGb: number;
}

export interface PlacementServer {
  /** Any stable key (an inventory address, a Nova id); group members use the same keys. */
  key: string;
  name: string;
  /** Where it runs now. */
  host: string;
  ramMb: number;
  /** Local disk (0 for a server booted from a volume). */
  diskGb: number;
}

export interface PlacementGroup {
  name: string;
  policy: string;
  members: readonly string[];
}

export interface LeavingHost {
  host: string;
  /** Keys of the servers that must leave it. */
  servers: readonly string[];
  /** Hosts the plan sends them to; empty: any. */
  to: readonly string[];
}

export interface PlacementInput {
  /** Hosts that can take servers (enabled, up, not taken out), with their free room. */
  hosts: readonly PlacementHost[];
  /** Hosts that cannot, and why ("is taken out by this plan (released)", "is disabled"). */
  unavailable: ReadonlyMap<string, string>;
  /** Every server that stays in the cloud (those leaving included), where it runs now. */
  servers: readonly PlacementServer[];
  groups: readonly PlacementGroup[];
  leaving: readonly LeavingHost[];
}

export interface HomelessServer {
  server: PlacementServer;
  /** The hard group whose rule ruled out a host, when one did. */
  group?: { name: string; policy: string };
  /** Host by host, why none can take it. */
  why: string;
}

const HARD = new Set(['anti-affinity', 'affinity']);

export function placeLeavingServers(input: PlacementInput): HomelessServer[] {
  const where = new Map(input.servers.map((s) => [s.key, s.host]));
  const byKey = new Map(input.servers.map((s) => [s.key, s]));
  const free = new Map(input.hosts.map((h) => [h.name, { ram: h.freeRamMb, disk: h.freeDiskGb }]));
  const groupsOf = (key: string): PlacementGroup[] => input.groups.filter((g) => HARD.has(g.policy) && g.members.includes(key));
  const homeless: HomelessServer[] = [];
  for (const leave of input.leaving) {
    const candidates = (leave.to.length > 0 ? leave.to : [...new Set([...free.keys(), ...input.unavailable.keys()])].sort()).filter((h) => h !== leave.host);
    for (const server of orderForPlacement(leave.servers.map((k) => byKey.get(k)).filter((s): s is PlacementServer => s !== undefined), groupsOf)) {
      const verdicts = candidates.map((host) => ({ host, refusal: refusal(host, server, groupsOf(server.key)) }));
      const allowed = verdicts.filter((v) => v.refusal === undefined).map((v) => v.host);
      if (allowed.length === 0) {
        homeless.push(homelessOf(server, verdicts, candidates.length === 0));
        continue;
      }
      const best = allowed.reduce((a, b) => ((free.get(b)?.ram ?? 0) > (free.get(a)?.ram ?? 0) ? b : a));
      const room = free.get(best) as { ram: number; disk: number };
      room.ram -= server.ramMb;
      room.disk -= server.diskGb;
      where.set(server.key, best);
    }
  }
  return homeless;

  function refusal(host: string, server: PlacementServer, groups: readonly PlacementGroup[]): { text: string; group?: PlacementGroup } | undefined {
    const unavailable = input.unavailable.get(host);
    if (unavailable !== undefined) return { text: `${host} ${unavailable}` };
    const room = free.get(host);
    if (!room) return { text: `${host} is not a hypervisor of this cloud` };
    for (const group of groups) {
      const peers = group.members.filter((m) => m !== server.key && where.has(m)).map((m) => ({ name: byKey.get(m)?.name ?? m, host: where.get(m) as string }));
      const clash = peers.find((p) => p.host === host);
      if (group.policy === 'anti-affinity' && clash) return { text: `${host} runs ${clash.name} of its anti-affinity group ${group.name}`, group };
      const apart = peers.find((p) => p.host !== host);
      if (group.policy === 'affinity' && apart && !peers.some((p) => p.host === host)) return { text: `its affinity group ${group.name} keeps it with ${apart.name} on ${apart.host}`, group };
    }
    if (room.ram < server.ramMb) return { text: `${host} has ${room.ram} MB RAM free, it needs ${server.ramMb}` };
    if (room.disk < server.diskGb) return { text: `${host} has ${room.disk} GB disk free, it needs ${server.diskGb}` };
    return undefined;
  }
}

/** Members of hard groups first (they have the fewest places to go), then the largest. */
function orderForPlacement(servers: PlacementServer[], groupsOf: (key: string) => PlacementGroup[]): PlacementServer[] {
  return [...servers].sort((a, b) => Number(groupsOf(b.key).length > 0) - Number(groupsOf(a.key).length > 0) || b.ramMb - a.ramMb || a.name.localeCompare(b.name));
}

function homelessOf(server: PlacementServer, verdicts: ReadonlyArray<{ host: string; refusal: { text: string; group?: PlacementGroup } | undefined }>, noCandidate: boolean): HomelessServer {
  const group = verdicts.map((v) => v.refusal?.group).find((g): g is PlacementGroup => g !== undefined);
  const why = noCandidate ? 'no other host is named to take it' : verdicts.map((v) => v.refusal?.text).filter(Boolean).join('; ');
  return { server, ...(group ? { group: { name: group.name, policy: group.policy } } : {}), why };
}
