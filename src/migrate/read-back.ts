import { compareAttributes, type Translate } from '../diff/attributes.js';
import type { AttributeDifference } from '../diff/changes.js';
import { InternalError, PumphouseError, type PhCode } from '../errors.js';
import type { StepAction } from '../graph/steps.js';
import { ALL_COLLECTORS, RefBuilder, type AnyCollector, type ResolveContext } from '../inventory/collectors/index.js';
import type { InventoryResource, ProjectRef, ResourceKind } from '../inventory/model.js';
import type { MigrationContext } from './context.js';

/**
 * Verification as Terraform's "inconsistent result after apply": once a step has written a copy,
 * the copy is read back from the target (one GET, plus the sub-calls its collector makes for
 * every object of its kind: extra specs, access list, members, interface ports) and described by
 * that collector exactly as discovery would — but in the SOURCE's address space: a target id is
 * named by the source address it is the copy of (the inverse of the id mappings), so the read-back
 * and the source object compare field by field as the diff compares them (src/diff/attributes.ts):
 * essentials, settable fields and compared references, marks ignored. Any difference fails the
 * step with PH1632, naming each field with both values: a write the target did not keep is never
 * a silent success.
 */

export const VERIFY_CODES = { inconsistent: 'PH1632', gone: 'PH1633' } as const satisfies Record<string, PhCode>;

/** The collector that reads objects of `source`'s kind (quotas: the one of its service). */
function collectorOf(source: InventoryResource): AnyCollector | undefined {
  if (source.kind === 'quota') return ALL_COLLECTORS.find((c) => c.name === `quota/${String(source.attributes['service'])}`);
  return ALL_COLLECTORS.find((c) => c.kind === source.kind && c.fetchOne);
}

const keyOf = (kind: string, id: string): string => `${kind}\u0000${id}`;
const kindOf = (address: string): string => address.slice(0, address.indexOf(':'));

/**
 * Names target objects in the source's terms for one read-back: the copy itself, its project and
 * every object the source refers to, by the target id each has (`targetIdOf`: the ledger's mapping, else the
 * plan's match). Any other target object is named "<its target address> (on the target)", which
 * never equals a source address, so a wrong reference shows as a difference naming it.
 */
class SourceTerms implements ResolveContext {
  private readonly known = new Map<string, string>();
  private readonly memos = new Map<string, unknown>();

  constructor(
    private readonly m: MigrationContext,
    source: InventoryResource,
    targetId: string,
    private readonly related: Readonly<Record<string, readonly unknown[]>>,
  ) {
    this.known.set(keyOf(source.kind, targetId), source.address);
    const referenced = Object.values(source.refs).flat();
    if (source.project) referenced.push(m.projectAddressOf(source));
    for (const address of referenced) {
      const id = m.targetIdOf(address);
      if (id !== undefined && !this.known.has(keyOf(kindOf(address), id))) this.known.set(keyOf(kindOf(address), id), address);
    }
  }

  address(kind: ResourceKind, id: string | null | undefined): string | undefined {
    if (!id) return undefined;
    return this.known.get(keyOf(kind, id)) ?? `${this.m.targetLookup.byId(kind, id)?.address ?? `${kind}:${id}`} (on the target)`;
  }

  pathOf(kind: ResourceKind, id: string | null | undefined): string | undefined {
    return this.address(kind, id)?.slice(kind.length + 1);
  }

  existing(address: string): string | undefined {
    return address;
  }

  projectRef(projectId: string | null | undefined): ProjectRef | undefined {
    if (!projectId) return undefined;
    const address = this.address('project', projectId) as string;
    const project = this.m.sourceLookup.get(address);
    return project ? { id: project.id, name: project.name } : { id: projectId, name: address };
  }

  projectPath(projectId: string): string {
    return this.pathOf('project', projectId) ?? projectId;
  }

  raw<T>(collector: string): readonly T[] {
    return (this.related[collector] ?? []) as readonly T[];
  }

  memo<V>(key: string, build: () => V): V {
    if (!this.memos.has(key)) this.memos.set(key, build());
    return this.memos.get(key) as V;
  }

  refs(): RefBuilder {
    return new RefBuilder(this);
  }
}

/** The copy `targetId` of `source` as the target holds it now, in the source's terms; undefined if it is gone. */
export async function readBack(m: MigrationContext, source: InventoryResource, targetId: string): Promise<InventoryResource | undefined> {
  const collector = collectorOf(source);
  if (!collector?.fetchOne) throw new InternalError(`${source.kind} has no read-back: its collector lacks fetchOne`);
  const fetched = await collector.fetchOne(m.target, targetId);
  if (!fetched) return undefined;
  const terms = new SourceTerms(m, source, targetId, fetched.related ?? {});
  const naming = collector.naming(fetched.item, terms);
  const { refs, attributes } = collector.build(fetched.item, terms);
  return { kind: source.kind, address: source.address, id: naming.id, name: naming.name, ...(naming.project ? { project: naming.project } : {}), refs, attributes };
}

/** Source references in the target's terms at apply time: kept when the referenced object is on the target. */
function translateFor(m: MigrationContext): Translate {
  return {
    flavorName: (name) => m.settings.maps.flavors[name] ?? name,
    reference: (address) => (m.targetIdOf(address) === undefined ? undefined : address),
  };
}

/** Kinds whose name the target chooses (a floating IP is named by its address, which may change). */
const NAMED_BY_THE_CLOUD: ReadonlySet<ResourceKind> = new Set<ResourceKind>(['floating-ip']);

/** Every field the kind's model says must match, with the copy's value (`before`) and the source's (`after`). */
export function inconsistencies(m: MigrationContext, source: InventoryResource, copy: InventoryResource): AttributeDifference[] {
  const out: AttributeDifference[] = [];
  if (!NAMED_BY_THE_CLOUD.has(source.kind) && copy.name !== source.name) out.push({ path: 'name', before: copy.name, after: source.name });
  if (copy.project?.id !== source.project?.id) out.push({ path: 'project', before: copy.project?.name ?? null, after: source.project?.name ?? null });
  const { essentials, settable } = compareAttributes(source, copy, translateFor(m));
  return [...out, ...essentials, ...settable];
}

/** What a step does not make, left to the step that does: a security group's rules are `sync-rules`'. */
export function leftToOtherSteps(kind: ResourceKind, action: StepAction): readonly string[] {
  return kind === 'security-group' && action !== 'sync-rules' ? ['attributes.rules'] : [];
}

/** Reads one copy back from the target, in the source's terms (readBack, or a test's fake). */
export type CopyReader = (source: InventoryResource, targetId: string) => Promise<InventoryResource | undefined>;

/**
 * Reads the copy back and throws PH1632 unless it holds what the source holds (PH1633 when it is
 * not there at all). `leave`: paths another step of the plan makes (leftToOtherSteps).
 */
export async function verifyReadBack(m: MigrationContext, source: InventoryResource, targetId: string, leave: readonly string[] = [], read: CopyReader = (s, id) => readBack(m, s, id)): Promise<InventoryResource> {
  const copy = await read(source, targetId);
  if (!copy) {
    throw new PumphouseError(VERIFY_CODES.gone, `${source.address}: its copy ${targetId} is not on the target after the step`, {
      hint: 'something removed it while apply ran; run apply again to make it anew',
    });
  }
  requireConsistent(m, source, copy, leave);
  return copy;
}

/**
 * Differences apply made knowingly and said so, which are not inconsistencies: a server copy owned
 * by the user apply runs as (the plan listed its owner under "Will not survive", or apply warned
 * with PH1625 that the owner's login was refused: owner-session.ts), and what a step of this apply
 * declared after warning (MigrationContext.allowDeviation: a MAC taken since the plan).
 */
function declared(m: MigrationContext, source: InventoryResource, copy: InventoryResource): string[] {
  const paths = [...m.allowedDeviations(source.address)];
  if (source.kind === 'server' && copy.attributes['userId'] === m.target.session.info.user.id) paths.push('refs.owner');
  return paths;
}

/** Throws PH1632 naming each field (but those in `leave`) where the read-back `copy` differs from `source`. */
function requireConsistent(m: MigrationContext, source: InventoryResource, copy: InventoryResource, leave: readonly string[] = []): void {
  const accepted = new Set([...leave, ...declared(m, source, copy)]);
  const differences = inconsistencies(m, source, copy).filter((d) => !accepted.has(d.path));
  if (differences.length === 0) return;
  const listed = differences.map((d) => `${d.path}: the target has ${shown(d.before)}, the source ${shown(d.after)}`).join('; ');
  throw new PumphouseError(VERIFY_CODES.inconsistent, `${source.address}: its copy ${copy.id} does not hold what the source holds after the step — ${listed}`, {
    hint: 'the target did not keep what apply wrote, or apply cannot write it yet: `pumphouse plan` shows the difference; correct it on the target, or exclude the object, and apply again',
  });
}

/** A value for a message: JSON, cut short (a rule list can be long). */
function shown(value: unknown): string {
  const text = JSON.stringify(value ?? null);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
