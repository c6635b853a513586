import type { CloudConfig } from '../config/types.js';
import type { PlanSettings } from '../execution-plan/plan.js';
import type { Change } from '../diff/changes.js';
import { TargetMatcher } from '../diff/match.js';
import type { EventSink } from '../events/sink.js';
import { InventoryLookup } from '../inventory/lookup.js';
import type { InventoryResource } from '../inventory/model.js';
import type { Cloud } from '../openstack/index.js';
import { PumphouseError } from '../errors.js';
import type { ServerDowntime, TemporaryObject } from '../state/model.js';
import { grantOwnAccess } from './access.js';
import { sessionConfig } from './owner-session.js';

/**
 * Everything the step runners share during one apply: both clouds, both inventories as
 * discovered when the apply started, the changes of the plan, and the bookkeeping that must
 * survive a crash (id mappings, server downtime, temporary objects), which lives in the state.
 *
 * Target ids of what a step needs come from `targetIdOf`: the id mapping recorded by the step
 * that created it (this run or an earlier one), else the counterpart the plan matched on the
 * target (noop objects, mapped external networks, volume types and flavors).
 */

/** What runners record durably (the state file in an apply, memory in tests and benchmarks). */
export interface MigrationLedger {
  mapping(address: string): string | undefined;
  /** Written with the next state write, not waited for: the copy's mark finds it if a kill loses this. */
  setMapping(address: string, targetId: string): void;
  /** The same, on disk before it resolves: for a mapping nothing else could find again (an upgraded host's node). */
  saveMapping(address: string, targetId: string): Promise<void>;
  downtime(server: string): ServerDowntime | undefined;
  setDowntime(server: string, record: ServerDowntime): Promise<void>;
  addTemporary(key: string, object: TemporaryObject): Promise<void>;
  removeTemporary(key: string): Promise<void>;
  /** The temporaries recorded so far, this apply's and those an earlier one left. */
  temporaries(): Readonly<Record<string, TemporaryObject>>;
}

/** Generated passwords, handed to whoever writes the passwords file; never to events or state. */
export interface PasswordSink {
  record(user: string, password: string): Promise<void>;
  /** The password Pumphouse set for a copied user (this apply or an earlier one), to work as that user. */
  known(user: string): string | undefined;
}

export interface MigrationContextInit {
  planName: string;
  /** The plan's maps and password policy. */
  settings: Pick<PlanSettings, 'maps' | 'passwords'>;
  source: Cloud;
  target: Cloud;
  /** The target's config, to open project-scoped sessions on it. */
  targetConfig: CloudConfig;
  sourceLookup: InventoryLookup;
  targetLookup: InventoryLookup;
  changes: readonly Change[];
  ledger: MigrationLedger;
  events: EventSink;
  passwords: PasswordSink;
  /** Connects to a cloud (the client's `connect`, injectable for tests). */
  connect(config: CloudConfig): Promise<Cloud>;
  /** pumphouse.yaml's settings.apply.keep_admin_grants: leave Pumphouse's admin role on the projects it worked in. @default false */
  keepAdminGrants?: boolean;
  /** Polling interval for status waits, ms. @default 1000 */
  pollMs?: number;
  /** Longest wait for one status transition, ms. @default 1800000 */
  waitTimeoutMs?: number;
}

export class MigrationContext {
  readonly planName: string;
  readonly settings: MigrationContextInit['settings'];
  readonly source: Cloud;
  readonly target: Cloud;
  readonly sourceLookup: InventoryLookup;
  readonly targetLookup: InventoryLookup;
  readonly ledger: MigrationLedger;
  readonly events: EventSink;
  readonly passwords: PasswordSink;
  readonly pollMs: number;
  readonly waitTimeoutMs: number;
  readonly keepAdminGrants: boolean;
  private readonly changes = new Map<string, Change>();
  private readonly deviations = new Map<string, Set<string>>();
  private readonly matcher: TargetMatcher;
  private readonly scoped = new Map<string, Promise<Cloud>>();

  constructor(private readonly init: MigrationContextInit) {
    this.planName = init.planName;
    this.settings = init.settings;
    this.source = init.source;
    this.target = init.target;
    this.sourceLookup = init.sourceLookup;
    this.targetLookup = init.targetLookup;
    this.ledger = init.ledger;
    this.events = init.events;
    this.passwords = init.passwords;
    this.pollMs = init.pollMs ?? 1000;
    this.waitTimeoutMs = init.waitTimeoutMs ?? 30 * 60_000;
    this.keepAdminGrants = init.keepAdminGrants ?? false;
    for (const change of init.changes) this.changes.set(change.address, change);
    this.matcher = new TargetMatcher(init.targetLookup, init.settings.maps, {});
    this.replaceSetAsideMappings();
  }

  /**
   * A mapping of the state the plan did not match by (its object is gone, or is another object's
   * copy: match.ts) gives way to what the plan matched, so no step uses the wrong object.
   */
  private replaceSetAsideMappings(): void {
    for (const change of this.changes.values()) {
      const mapped = this.ledger.mapping(change.address);
      if (change.target && change.target.matchedBy !== 'state' && mapped !== undefined && mapped !== change.target.id) this.ledger.setMapping(change.address, change.target.id);
    }
  }

  /**
   * Records that a step wrote `path` of source `address`'s copy differently from the source, on
   * purpose and after warning why (a MAC taken on the target since the plan: port-create.ts), so
   * verification does not count it as inconsistent (read-back.ts). For this apply only.
   */
  allowDeviation(address: string, path: string): void {
    const paths = this.deviations.get(address);
    if (paths) paths.add(path);
    else this.deviations.set(address, new Set([path]));
  }

  allowedDeviations(address: string): readonly string[] {
    return [...(this.deviations.get(address) ?? [])];
  }

  change(address: string): Change | undefined {
    return this.changes.get(address);
  }

  /** The plan's changes of one kind, whatever their action. */
  changesOfKind(kind: Change['kind']): Change[] {
    return [...this.changes.values()].filter((c) => c.kind === kind);
  }

  /** The source object at `address`; a step names only objects discovery saw. */
  sourceObject(address: string): InventoryResource {
    const resource = this.sourceLookup.get(address);
    if (!resource) throw new PumphouseError('PH1620', `${address} is no longer on the source cloud`, { hint: 'run `pumphouse plan` again: the source changed since this plan was made' });
    return resource;
  }

  /** The target id of the copy of (or the counterpart to) source `address`, if there is one yet. */
  targetIdOf(address: string): string | undefined {
    const mapped = this.ledger.mapping(address);
    if (mapped) return mapped;
    const planned = this.changes.get(address)?.target?.id;
    if (planned) return planned;
    const resource = this.sourceLookup.get(address);
    if (!resource) return undefined;
    const match = this.matcher.match(resource);
    return 'found' in match ? match.found.id : undefined;
  }

  /** Like targetIdOf, for a reference that must exist by now (its step ran first). */
  requireTargetId(address: string, why: string): string {
    const id = this.targetIdOf(address);
    if (!id) {
      throw new PumphouseError('PH1621', `${why}: ${address} has no counterpart on the target`, {
        hint: 'its step did not run (excluded with --target/--exclude?) and nothing on the target matches it; include it in the plan',
      });
    }
    return id;
  }

  /** The target project id of a source object's owner. */
  targetProjectOf(resource: InventoryResource): string {
    if (!resource.project) throw new PumphouseError('PH0001', `${resource.address} has no project`);
    return this.requireTargetId(this.projectAddressOf(resource), `the project of ${resource.address}`);
  }

  /** A source object's project address ("project:demo", or "project:partners/acme" outside Default). */
  projectAddressOf(resource: InventoryResource): string {
    const project = resource.project ? this.sourceLookup.byId('project', resource.project.id) : undefined;
    return project?.address ?? `project:${resource.project?.name ?? '?'}`;
  }

  /**
   * The target cloud with a token scoped to a target project: servers, volumes and server
   * groups are created in the project of the token, whatever an admin asks. Pumphouse's user is
   * granted the admin role there first, as a temporary the apply revokes when it ends (access.ts).
   */
  targetIn(projectId: string): Promise<Cloud> {
    return this.session(projectId, () => this.openScoped(projectId));
  }

  /** The target as another user (whose password Pumphouse set), scoped to a project: to create what that user owns. */
  targetAs(userId: string, password: string, projectId: string): Promise<Cloud> {
    return this.session(`${userId}@${projectId}`, () => this.init.connect(sessionConfig(this.init.targetConfig, userId, password, projectId)));
  }

  private session(key: string, open: () => Promise<Cloud>): Promise<Cloud> {
    let cloud = this.scoped.get(key);
    if (!cloud) {
      cloud = open();
      this.scoped.set(key, cloud);
      cloud.catch(() => this.scoped.delete(key));
    }
    return cloud;
  }

  /** Closes the project-scoped sessions. */
  close(): void {
    for (const cloud of this.scoped.values()) cloud.then((c) => c.close(), () => undefined);
  }

  private async openScoped(projectId: string): Promise<Cloud> {
    await grantOwnAccess(this, projectId);
    const base = this.init.targetConfig;
    const auth = { ...base.auth, project_id: projectId } as Record<string, unknown>;
    for (const key of ['project_name', 'project_domain_name', 'project_domain_id', 'domain_id', 'domain_name']) delete auth[key];
    return this.init.connect({ ...base, auth: auth as unknown as CloudConfig['auth'] });
  }
}
