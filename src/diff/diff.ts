import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceGraph } from '../desired/closure.js';
import type { DesiredState } from '../desired/model.js';
import type { SelectedResource, Selection } from '../desired/selection.js';
import { InventoryLookup, refList } from '../inventory/lookup.js';
import type { Inventory, InventoryResource } from '../inventory/model.js';
import { classify } from '../model/index.js';
import { compareAttributes, type Translate } from './attributes.js';
import type { AttributeDifference, Change, ChangeSet, TargetMatch } from './changes.js';
import { ASSUMED, type Calibration, estimateServerMove } from './estimate.js';
import { isMappedFlavor, mappedFlavorWarning } from './flavor-maps.js';
import { diffHosts } from './hosts.js';
import { TargetMatcher, type StateMappings } from './match.js';
import { shareTheLink } from './estimate-wave.js';
import { floatingAddressLoss } from './floating-address.js';
import { describeLosses, losesData, type LossContext } from './losses.js';
import { isUnmarkedCopy, macClash, PortsByMac } from './mac-clash.js';
import { VERIFIED_METADATA_KEY } from './marks.js';
import { beyondCutover, portsAwaitingCutover, precopiedAt } from './warm-moves.js';
import type { PhCode } from '../errors.js';

export type { StateMappings } from './match.js';

/**
 * The diff: each selected source object against the target inventory, and each host in the plan
 * against where it stands. Pure — no network, no clock — so the same inputs give the same
 * ChangeSet, and it can be tested from small inventories.
 *
 * Actions: create (not on the target), update (settable attributes differ), migrate (servers and
 * volumes that are not there yet), conflict (same key, different essentials, or a name the maps
 * do not resolve), noop, and host. A flavor spec.maps.flavors maps is the target's own, used as it
 * is: noop, with a warning when it differs from the source's (flavor-maps.ts).
 */
export interface DiffInput {
  desired: DesiredState;
  selection: Selection;
  source: Inventory;
  target: Inventory;
  mappings: StateMappings;
  /** Prebuilt indexes, when the caller has them. */
  lookups?: { source: InventoryLookup; target: InventoryLookup };
  /** The target address of the user apply runs as, for what it will own (losses.ts). */
  applyUser?: string;
  /** What earlier applies measured on these clouds (estimate.ts); absent: the assumed figures. */
  calibration?: Calibration;
}

export function diffState(input: DiffInput): ChangeSet {
  const source = input.lookups?.source ?? new InventoryLookup(input.source);
  const target = input.lookups?.target ?? new InventoryLookup(input.target);
  const matcher = new TargetMatcher(target, input.desired.maps, input.mappings);
  const graph = new SourceGraph(source);
  const translate = translator(input, source, matcher);
  const changes: Change[] = [];
  // Selection order is RESOURCE_KINDS order: networks are matched before the ports keyed by them.
  const planned = new Set(input.selection.resources.map((s) => s.address));
  const losses: LossContext = {
    graph, maps: input.desired.maps, passwords: input.desired.identity?.passwords, reference: translate.reference, applyUser: input.applyUser,
    creates: (address) => planned.has(address) && !matchesOnTarget(matcher, source, address),
    floatingAddressLoss: (fip) => floatingAddressLoss(fip, { target, reference: translate.reference }),
  };
  const warnings: Diagnostic[] = [];
  const ports = new PortsByMac(target);
  const awaitingCutover = portsAwaitingCutover(input.selection.resources, source, (server) => isMoved(matcher.match(server)));
  for (const selected of input.selection.resources) {
    const resource = source.get(selected.address);
    if (!resource) continue;
    changes.push(diffOne(selected, resource, { matcher, translate, graph, source, losses, warnings, ports, awaitingCutover, calibration: input.calibration ?? ASSUMED }));
  }
  const migrating = new Set(input.selection.resources.filter((s) => s.role === 'migrate').map((s) => s.address));
  const hosts = diffHosts({ hosts: input.desired.hosts, source, target, mappings: input.mappings, migrating });
  const diagnostics: Diagnostic[] = [...warnings, ...distrustedMappings(matcher, source), ...hosts.diagnostics];
  const shared = shareTheLink(changes, input.calibration ?? ASSUMED, input.desired.parallelism.copies);
  return { changes: [...shared, ...hosts.changes], diagnostics };
}

export const MAPPING_CODES = { distrusted: 'PH1413' } as const satisfies Record<string, PhCode>;

/** A warning per state mapping the matcher set aside: the plan matched those objects by mark or key instead. */
function distrustedMappings(matcher: TargetMatcher, source: InventoryLookup): Diagnostic[] {
  return [...matcher.distrusted.values()].sort((a, b) => (a.address < b.address ? -1 : 1)).map((d) => {
    const other = d.markedFor === undefined ? undefined : source.byId(d.kind, d.markedFor)?.address ?? `another source object (id ${d.markedFor})`;
    return {
      severity: 'warning' as const,
      code: MAPPING_CODES.distrusted,
      message: `the state maps ${d.address} to ${d.targetAddress} (${d.targetId}) on the target, which ${other ? `is the copy of ${other}` : 'carries no Pumphouse mark'}: that mapping is ignored`,
      hint: `the state file was edited or belongs to another plan; this plan finds ${d.address} by its mark or natural key, and the next apply records the right mapping`,
    };
  });
}

/**
 * Source names and addresses in the target's terms, for comparing references: an object referenced
 * by a selected one is on the target (its match) or will be (this plan creates it under the same
 * address); otherwise the reference will not survive, and losses.ts says so.
 */
function translator(input: DiffInput, source: InventoryLookup, matcher: TargetMatcher): Translate {
  const planned = new Set(input.selection.resources.map((s) => s.address));
  const cache = new Map<string, string | undefined>();
  return {
    flavorName: (name) => input.desired.maps.flavors[name] ?? name,
    reference(address) {
      if (cache.has(address)) return cache.get(address);
      const referenced = source.get(address);
      const result = referenced ? matcher.match(referenced) : undefined;
      const there = result && 'found' in result ? result.found.address : planned.has(address) ? address : undefined;
      cache.set(address, there);
      return there;
    },
  };
}

function matchesOnTarget(matcher: TargetMatcher, source: InventoryLookup, address: string): boolean {
  const resource = source.get(address);
  return resource !== undefined && !('missing' in matcher.match(resource));
}

interface DiffContext {
  matcher: TargetMatcher;
  translate: Translate;
  graph: SourceGraph;
  source: InventoryLookup;
  losses: LossContext;
  /** Warnings about the selected objects (a mapped flavor of another size). */
  warnings: Diagnostic[];
  ports: PortsByMac;
  /** Ports whose admin state their warm server's cutover sets, with that server (warm-moves.ts). */
  awaitingCutover: ReadonlyMap<string, string>;
  calibration: Calibration;
}

function diffOne(selected: SelectedResource, resource: InventoryResource, context: DiffContext): Change {
  const base = {
    address: resource.address,
    kind: resource.kind,
    ...(resource.project ? { project: resource.project.name } : {}),
    differences: [],
    willNotSurvive: [] as string[],
  };
  const result = context.matcher.match(resource);
  const clash = resource.kind === 'port' ? macClash(resource, result, context.ports) : undefined;
  if (clash) return { ...base, action: 'conflict', ...(clash.target ? { target: clash.target } : {}), reason: clash.reason, impact: 'none' };
  if (!('missing' in result) && (isUnfinishedCopy(result.found, result.match) || (resource.kind === 'port' && isUnmarkedCopy(resource, result.found)))) {
    // A copy an interrupted apply left half made: the step finds it by its mark and finishes it.
    if (selected.role === 'migrate') return { ...migration(selected, resource, base, context, result.found), target: result.match };
    return { ...base, action: 'create', target: result.match, reason: `${selected.reason} (its copy on the target is unfinished)`, impact: 'none', willNotSurvive: describeLosses(resource, selected, context.losses) };
  }
  if ('missing' in result) {
    if (result.unmapped) return { ...base, action: 'conflict', reason: result.unmapped, impact: 'none' };
    if (selected.role === 'migrate') return migration(selected, resource, base, context);
    return { ...base, action: 'create', reason: selected.reason, impact: 'none', willNotSurvive: describeLosses(resource, selected, context.losses) };
  }
  const comparison = compareAttributes(resource, result.found, context.translate);
  if (isMappedFlavor(resource, context.losses.maps)) {
    // The target's own flavor, used as it is: a different size is a resize the plan warns about.
    const warning = mappedFlavorWarning(resource, result.found, comparison);
    if (warning) context.warnings.push(warning);
    return { ...base, action: 'noop', target: result.match, reason: `used as ${result.found.name} (spec.maps.flavors)`, impact: 'none' };
  }
  const { essentials } = comparison;
  const cutover = context.awaitingCutover.get(resource.address);
  const settable = beyondCutover(comparison.settable, cutover !== undefined);
  const fixed = comparison.fixed.map((d) => fixedLoss(resource, d));
  if (essentials.length > 0) {
    return { ...base, action: 'conflict', target: result.match, differences: essentials, reason: `${result.match.address} on the target is a different ${resource.kind}`, impact: 'none' };
  }
  // A moved server or volume is not reshaped after the fact: once there, only metadata follows.
  if (settable.length > 0) {
    return { ...base, action: 'update', target: result.match, differences: settable, reason: 'differs on the target', impact: 'metadata', willNotSurvive: fixed };
  }
  const settled = cutover !== undefined && settable.length < comparison.settable.length ? `; admin-down until the cutover of ${cutover}` : '';
  return { ...base, action: 'noop', target: result.match, reason: `already on the target${settled}`, impact: 'none', willNotSurvive: fixed };
}

/** A server whose copy is on the target and verified: its move is over. */
function isMoved(result: ReturnType<TargetMatcher['match']>): boolean {
  return !('missing' in result) && !isUnfinishedCopy(result.found, result.match);
}

/** The "Will not survive" line of a reference the existing copy holds otherwise and cannot change. */
function fixedLoss(resource: InventoryResource, difference: AttributeDifference): string {
  const role = difference.path.slice('refs.'.length);
  const spec = classify(resource.kind).fixedReferences.find((r) => r.role === role)?.spec;
  const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.join(', ') : 'none');
  return `${role}: the copy has ${list(difference.before)}, not ${list(difference.after)}: ${spec?.fixed ?? 'it cannot change once made'}`;
}

/**
 * A copy apply started but did not finish: an image without its data, a volume still being
 * made, a server not yet verified (apply marks a server `pumphouse_verified` only once its copy
 * runs, its floating IPs point at it and the source was handled). Only copies apply made
 * (matched by state or mark) count: an object merely of the same name is the operator's.
 */
function isUnfinishedCopy(found: InventoryResource, match: TargetMatch): boolean {
  if (match.matchedBy === 'natural-key') return false;
  const status = found.attributes['status'];
  switch (found.kind) {
    case 'image':
      return status !== 'active';
    case 'volume':
      return status !== 'available' && status !== 'in-use';
    case 'server': {
      const metadata = (found.attributes['metadata'] ?? {}) as Record<string, unknown>;
      return metadata[VERIFIED_METADATA_KEY] === undefined;
    }
    default:
      return false;
  }
}

/** `copy`: the unfinished copy on the target, if any (a warm one may be pre-copied, waiting for its cutover). */
function migration(selected: SelectedResource, resource: InventoryResource, base: Omit<Change, 'action' | 'reason' | 'impact'>, context: DiffContext, copy?: InventoryResource): Change {
  const willNotSurvive = describeLosses(resource, selected, context.losses);
  if (resource.kind !== 'server' || !selected.move) {
    const attached = refList(resource, 'servers').length > 0;
    return { ...base, action: 'migrate', reason: selected.reason, impact: attached ? 'downtime' : 'none', willNotSurvive };
  }
  const volumes = context.graph.movingVolumes(resource, selected.move.volumes)
    .map((address) => context.source.get(address))
    .filter((v): v is InventoryResource => v !== undefined);
  const image = refList(resource, 'image')[0];
  const estimate = estimateServerMove(resource, selected.move, volumes, context.calibration, image ? context.source.get(image) : undefined);
  // Pre-copied: nothing is left to copy, only the cutover.
  const precopied = selected.move.cutover === 'warm' ? precopiedAt(copy) : undefined;
  return {
    ...base,
    action: 'migrate',
    reason: precopied ? `${selected.reason}; pre-copied (snapshot of ${precopied}), waiting for its cutover` : selected.reason,
    impact: willNotSurvive.some(losesData) ? 'data-loss' : 'downtime',
    willNotSurvive,
    move: { ...selected.move, ...estimate, ...(precopied ? { bytes: 0, precopied } : {}) },
  };
}
