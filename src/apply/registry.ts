import { UnsupportedStepError, type StepRunner } from '../executor/runner.js';
import { HOST_STEP_ACTIONS, type HostStepAction, type Step } from '../graph/steps.js';
import type { ResourceKind } from '../inventory/model.js';
import type { HostStepWorld } from '../hosts/context.js';
import { hostRunners } from '../hosts/runners.js';
import type { MigrationContext } from '../migrate/context.js';
import { flavorCopy, keypairCopy, serverGroupCopy } from '../migrate/compute.js';
import { copyRunner, type CopyKind } from '../migrate/copy.js';
import { domainCopy, projectCopy, roleAssignmentCopy, roleCopy, userCopy } from '../migrate/identity.js';
import { imageCopy } from '../migrate/images.js';
import { floatingIpCopy, networkCopy, portCopy, routerCopy, securityGroupCopy, subnetCopy } from '../migrate/network.js';
import { quotaRunner } from '../migrate/quotas.js';
import { syncRulesRunner } from '../migrate/security-group-rules.js';
import { serverRunner } from '../migrate/servers.js';
import { updateRunner } from '../migrate/updates.js';
import { volumeRunner } from '../migrate/volumes.js';

/**
 * The runner of every step kind apply knows, workload (migrate/) and host (hosts/) alike; the
 * executor asks here for each step. It lives in apply/, above both, so neither imports the other.
 */
const COPIES: Partial<Record<ResourceKind, CopyKind>> = {
  domain: domainCopy,
  project: projectCopy,
  user: userCopy,
  role: roleCopy,
  'role-assignment': roleAssignmentCopy,
  flavor: flavorCopy,
  keypair: keypairCopy,
  'server-group': serverGroupCopy,
  image: imageCopy,
  'security-group': securityGroupCopy,
  network: networkCopy,
  subnet: subnetCopy,
  router: routerCopy,
  port: portCopy,
  'floating-ip': floatingIpCopy,
};

export function runnerRegistry(m: MigrationContext, hosts?: HostStepWorld): (step: Step) => StepRunner {
  const host = hosts ? hostRunners({ ...hosts, m }) : undefined;
  const quota = quotaRunner(m);
  const rules = syncRulesRunner(m);
  const volume = volumeRunner(m);
  const server = serverRunner(m);
  const update = updateRunner(m);
  const copies = new Map<ResourceKind, StepRunner>();
  for (const [kind, copy] of Object.entries(COPIES) as Array<[ResourceKind, CopyKind]>) copies.set(kind, copyRunner(m, copy));
  return (step) => {
    if ((HOST_STEP_ACTIONS as readonly string[]).includes(step.action)) {
      return host?.[step.action as HostStepAction] ?? unsupported(step, `host steps need pumphouse.yaml's hosts and fuel; or exclude them with --exclude ${step.address}`);
    }
    switch (step.action) {
      case 'create':
        if (step.kind === 'quota') return quota;
        return copies.get(step.kind) ?? unsupported(step, `apply cannot create a ${step.kind} yet; exclude it with --exclude ${step.address}`);
      case 'update':
        // Quotas are made equal whatever the difference.
        return step.kind === 'quota' ? quota : update;
      case 'sync-rules':
        return rules;
      case 'migrate-volume':
        return volume;
      case 'migrate-server':
        return server;
      default:
        return unsupported(step, `apply cannot ${step.action} yet; exclude it with --exclude ${step.address}`);
    }
  };
}

function unsupported(step: Step, hint: string): StepRunner {
  const fail = async (): Promise<never> => {
    throw new UnsupportedStepError(step, hint);
  };
  return { observe: fail, run: fail, verify: fail };
}
