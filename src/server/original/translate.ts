import type { OriginalEventName, PumphouseEvent } from '../../events/events.js';
import type { ExecutionPlan } from '../../execution-plan/plan.js';
import type { Step } from '../../graph/steps.js';
import type { InventoryResource } from '../../inventory/model.js';

/**
 * The original Pumphouse's events, derived from ours (pure: state in, events out). The original
 * API's actions are each a plan applied at once; while one runs, its steps' events become the
 * `create` / `update` / `delete` / `log` events the original's tasks emitted, with its payload
 * `{id, type, cloud, action, progress, data}` and in its order:
 *   - POST /tenants/{id}: update tenant action "migration" … (what its steps create on the
 *     destination, each server's migration) … update tenant action null;
 *   - POST /servers/{id}: the same for one server;
 *   - POST /hosts/{id}: update host action "evacuation", update host status "blocked" once
 *     nova-compute is disabled, update host action null;
 *   - DELETE /hosts/{id}: update host action "reassignment" when its upgrade starts, delete the
 *     source host once it has left the source (booted into Fuel's bootstrap), create the
 *     destination host (action "reassignment") once it serves the target, update it action null.
 * A failed run adds the original's `log` error before its end event. `action: null` marks the
 * end of an operation, so no intermediate event carries an `action` key of null.
 */
export type OriginalIntentKind = 'tenant' | 'server' | 'evacuation' | 'reassignment';

export interface OriginalIntent {
  kind: OriginalIntentKind;
  /** The id the client gave: a tenant or server id, or a host name. */
  id: string;
}

export interface OriginalEmit {
  name: OriginalEventName;
  payload: Record<string, unknown>;
}

export type RunOutcome = 'done' | 'failed' | 'interrupted' | 'error';

/** Our kinds whose creation on the destination the original announced, by its type names. */
const CREATED_TYPES: Partial<Record<InventoryResource['kind'], string>> = {
  project: 'tenant', user: 'user', role: 'role', flavor: 'flavor', 'security-group': 'secgroup', keypair: 'keypair',
  image: 'image', network: 'network', 'floating-ip': 'floating_ip', volume: 'volume',
};

const BOOTSTRAP_WAIT = /^waiting for the host to boot Fuel's bootstrap/;

interface Running {
  intent: OriginalIntent;
  steps: Map<string, Step>;
  plan: ExecutionPlan;
  source: Map<string, InventoryResource>;
  /** Target ids by source address, as steps report them. */
  targetIds: Map<string, string>;
  /** Source hosts already announced as deleted. */
  deleted: Set<string>;
}

export class OriginalTranslator {
  private running: Running | undefined;

  /** An action starts: its plan, and the source objects by address (for their ids). Returns the start events. */
  begin(intent: OriginalIntent, plan: ExecutionPlan, source: readonly InventoryResource[]): OriginalEmit[] {
    this.running = {
      intent, plan, steps: new Map(plan.steps.map((s) => [s.id, s])), source: new Map(source.map((r) => [r.address, r])),
      targetIds: new Map(), deleted: new Set(),
    };
    const type = intent.kind === 'tenant' ? 'tenant' : intent.kind === 'server' ? 'server' : 'host';
    if (intent.kind === 'reassignment') return [];
    return [update({ id: intent.id, type, cloud: 'source', progress: null, action: intent.kind === 'evacuation' ? 'evacuation' : 'migration' })];
  }

  get active(): OriginalIntent | undefined {
    return this.running?.intent;
  }

  /** The events one of ours becomes (none when no action runs or the step is not its plan's). */
  translate(event: PumphouseEvent): OriginalEmit[] {
    const run = this.running;
    if (!run || !('step' in event.data)) return [];
    const step = run.steps.get(String(event.data.step));
    if (!step) return [];
    switch (event.type) {
      case 'step_started':
        return started(run, step);
      case 'step_progress':
        return step.action === 'upgrade-host' && BOOTSTRAP_WAIT.test(event.data.phase ?? '') ? leftSource(run, step) : [];
      case 'step_finished':
        if (event.data.targetId) run.targetIds.set(step.address, event.data.targetId);
        return event.data.outcome === 'done' || event.data.outcome === 'already-done'
          ? finished(run, step, event.data.outcome === 'done', event.data.targetId)
          : failedStep(run, step, event.data.error);
      default:
        return [];
    }
  }

  /** The action's run ended (or never started): the original's closing events. */
  end(outcome: RunOutcome, why?: string): OriginalEmit[] {
    const run = this.running;
    if (!run) return [];
    this.running = undefined;
    const { intent } = run;
    const out: OriginalEmit[] = [];
    if (outcome !== 'done') out.push(log('error', `Error occured during ${ERROR_WHAT[intent.kind]} ${intent.id}${why ? `: ${why}` : ''}`));
    else if (intent.kind === 'tenant' && !run.plan.steps.some((s) => s.action === 'migrate-server')) {
      out.push(log('warning', `There aren't any resources for migration in the ${intent.id} tenant`));
    }
    if (intent.kind === 'reassignment') return out;
    const type = intent.kind === 'tenant' ? 'tenant' : intent.kind === 'server' ? 'server' : 'host';
    out.push(update({ id: intent.id, type, cloud: 'source', progress: null, action: null }));
    return out;
  }
}

const ERROR_WHAT: Record<OriginalIntentKind, string> = {
  tenant: 'migration resources of tenant:', server: 'migration of server:', evacuation: 'evacuating host', reassignment: 'reassigning host',
};

function started(run: Running, step: Step): OriginalEmit[] {
  const source = run.source.get(step.address);
  if (step.action === 'migrate-server' && source) return [update({ id: source.id, cloud: 'source', type: 'server', progress: null, action: 'migration' })];
  if (step.action === 'upgrade-host') return [update({ id: hostOf(run, step), cloud: 'source', type: 'host', progress: null, action: 'reassignment' })];
  return [];
}

/** The host booted into Fuel's bootstrap: it no longer serves the source. */
function leftSource(run: Running, step: Step): OriginalEmit[] {
  const host = hostOf(run, step);
  if (run.deleted.has(host)) return [];
  run.deleted.add(host);
  return [{ name: 'delete', payload: { id: host, cloud: 'source', type: 'host' } }];
}

function finished(run: Running, step: Step, didWork: boolean, targetId: string | undefined): OriginalEmit[] {
  const source = run.source.get(step.address);
  switch (step.action) {
    case 'maintain-host': {
      const host = hostOf(run, step);
      return [update({ id: host, type: 'host', cloud: 'source', data: { name: host, status: 'blocked' } })];
    }
    case 'upgrade-host': {
      if (!targetId) return [];
      const data = { name: targetId, status: 'available' };
      return [
        ...leftSource(run, step),
        { name: 'create', payload: { id: targetId, cloud: 'destination', type: 'host', action: 'reassignment', progress: null, data } },
        update({ id: targetId, cloud: 'destination', type: 'host', progress: null, action: null, data }),
      ];
    }
    case 'migrate-server':
      return source && targetId ? serverMoved(run, step, source, targetId) : [];
    case 'migrate-volume':
    case 'create': {
      const type = CREATED_TYPES[step.kind];
      if (!didWork || !type || !targetId || !source) return [];
      const id = step.kind === 'floating-ip' ? source.name : targetId;
      return [{ name: 'create', payload: { id, type, cloud: 'destination', data: createdData(run, source, targetId) } }];
    }
    default:
      return [];
  }
}

function serverMoved(run: Running, step: Step, source: InventoryResource, targetId: string): OriginalEmit[] {
  const data = { ...createdData(run, source, targetId), status: 'ACTIVE' };
  const out: OriginalEmit[] = [{ name: 'create', payload: { id: targetId, cloud: 'destination', type: 'server', data } }];
  const disposition = run.plan.changes.find((c) => c.address === step.address)?.move?.source;
  if (disposition === 'delete') out.push({ name: 'delete', payload: { id: source.id, cloud: 'source', type: 'server' } });
  else out.push(update({ id: source.id, cloud: 'source', type: 'server', progress: null, action: null }));
  return out;
}

function failedStep(run: Running, step: Step, error: string | undefined): OriginalEmit[] {
  const source = run.source.get(step.address);
  if (step.action !== 'migrate-server' || !source) return [];
  return [
    log('error', `Migration of server ${source.id} failed by reason ${error ?? 'unknown'}`),
    update({ id: source.id, cloud: 'source', type: 'server', progress: null, action: null }),
  ];
}

/** What the original put in a created object's data: its id and name, and its tenant on the destination. */
function createdData(run: Running, source: InventoryResource, targetId: string): Record<string, unknown> {
  const projectAddress = source.project ? [...run.source.values()].find((r) => r.kind === 'project' && r.id === source.project?.id)?.address : undefined;
  const tenant = projectAddress ? run.targetIds.get(projectAddress) : undefined;
  return { id: targetId, name: source.name, ...(tenant ? { tenant_id: tenant } : {}) };
}

function hostOf(run: Running, step: Step): string {
  const source = run.source.get(step.address);
  const service = source?.attributes['serviceHost'];
  return typeof service === 'string' ? service : source?.name ?? step.address.replace(/^hypervisor:/, '');
}

function update(payload: Record<string, unknown>): OriginalEmit {
  return { name: 'update', payload };
}

function log(level: 'error' | 'warning', message: string): OriginalEmit {
  return { name: 'log', payload: { level, message } };
}
