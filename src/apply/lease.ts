import { hostname } from 'node:os';
import { PumphouseError } from '../errors.js';
import type { EventSink } from '../events/sink.js';
import { collectAll, identity, isConflict, isNotFound, type Cloud } from '../openstack/index.js';

/**
 * One apply at a time per target cloud, whatever state file it keeps. Two applies of the same
 * plan with two state files would each find nothing, then both create (two networks, two volume
 * copies of one source object): marks only help the one that looks second. The lease is a
 * disabled Keystone project of a fixed name on the target — creating it is atomic (a second
 * create is a 409) and it names its holder. A resumed apply of the same state (same lineage)
 * takes its own lease back at once; another one waits until the holder's heartbeat is older than
 * `staleAfterMs`, then takes it over with a warning. It is deleted when the apply ends.
 */
export const LEASE_PROJECT = 'pumphouse-apply-lease';
const DEFAULT_STALE_AFTER_MS = 5 * 60_000;
const HEARTBEAT_MS = 60_000;

export interface LeaseHolder {
  /** The state file's lineage: the same apply resumed. */
  lineage: string;
  plan: string;
  stateFile: string;
  host: string;
  pid: number;
  since: string;
  heartbeat: string;
}

export interface TargetLease {
  release(): Promise<void>;
}

export interface LeaseRequest {
  lineage: string;
  plan: string;
  stateFile: string;
  events: EventSink;
  staleAfterMs?: number;
  now?: () => Date;
}

export async function acquireTargetLease(target: Cloud, request: LeaseRequest): Promise<TargetLease> {
  const now = request.now ?? (() => new Date());
  const client = await target.identity();
  const started = now().toISOString();
  const holder = (): LeaseHolder => ({
    lineage: request.lineage, plan: request.plan, stateFile: request.stateFile, host: hostname(), pid: process.pid,
    since: started, heartbeat: now().toISOString(),
  });
  let id = await create(client, holder());
  if (!id) {
    const existing = await find(client);
    if (existing) {
      const current = parseHolder(existing.description);
      const age = current ? now().getTime() - Date.parse(current.heartbeat) : Infinity;
      if (current && current.lineage !== request.lineage && age < (request.staleAfterMs ?? DEFAULT_STALE_AFTER_MS)) {
        throw new PumphouseError('PH1615', `another apply is applying to ${target.label}: plan "${current.plan}" with state ${current.stateFile} (pid ${current.pid} on ${current.host}, since ${current.since}, last heard of ${Math.round(age / 1000)} s ago)`, {
          hint: `wait for it to finish (or run it from its own state file); a holder silent for ${Math.round((request.staleAfterMs ?? DEFAULT_STALE_AFTER_MS) / 60_000)} min is taken over; the lease is the target project ${LEASE_PROJECT}`,
        });
      }
      if (current && current.lineage !== request.lineage) {
        request.events.emit({ type: 'warning', level: 'warn', message: `took over the target's apply lease of plan "${current.plan}" (pid ${current.pid} on ${current.host}), silent for ${Math.round(age / 1000)} s`, data: { code: 'PH1616', cloud: target.label } });
      }
      // Deleted and made again, so two takers of one stale lease cannot both win.
      await identity.projects.remove(client, existing.id).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    }
    id = await create(client, holder());
    if (!id) throw new PumphouseError('PH1615', `another apply took the lease of ${target.label} at the same moment`, { hint: 'run apply again once it has finished' });
  }
  const leaseId = id;
  const heartbeat = setInterval(() => {
    identity.projects.update(client, leaseId, { description: JSON.stringify(holder()) }).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    async release() {
      clearInterval(heartbeat);
      await identity.projects.remove(client, leaseId).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    },
  };
}

type IdentityClient = Awaited<ReturnType<Cloud['identity']>>;

/** The lease's project id, or undefined when someone holds it already (409). */
async function create(client: IdentityClient, holder: LeaseHolder): Promise<string | undefined> {
  try {
    // Retried like a read: a create whose answer was lost comes back as a 409, then found ours by its lineage.
    const project = await client.post<{ project: { id: string } }>(client.url('projects'), {
      project: { name: LEASE_PROJECT, domain_id: 'default', enabled: false, description: JSON.stringify(holder), tags: ['pumphouse-lease'] },
    }, { retrySafe: true });
    return project.project.id;
  } catch (error) {
    if (isConflict(error)) return undefined;
    throw error;
  }
}

async function find(client: IdentityClient): Promise<identity.projects.Project | undefined> {
  return (await collectAll(identity.projects.list(client, { name: LEASE_PROJECT, domain_id: 'default' })))[0];
}

function parseHolder(description: string | null | undefined): LeaseHolder | undefined {
  try {
    const parsed = JSON.parse(description ?? '') as Partial<LeaseHolder>;
    return typeof parsed.lineage === 'string' && typeof parsed.heartbeat === 'string' ? (parsed as LeaseHolder) : undefined;
  } catch {
    return undefined;
  }
}
