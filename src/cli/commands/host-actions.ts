import type { Argv } from 'yargs';
import { writeGranularPlan, type EvacuationMethod } from '../../engine/granular.js';
import { writeLine } from '../../render/streams.js';
import { applyFromCli } from '../apply-run.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { DEFAULT_STATE_PATH } from './shared.js';

type Method = EvacuationMethod;

interface HostActionArgs {
  hosts: string[];
  method: Method;
  to: string[];
  autoApprove: boolean;
  state: string;
  environment?: string;
  template?: string;
  roles: string[];
}

/**
 * `pumphouse evacuate HOST...` and `pumphouse upgrade HOST...`: the Hosts wave one host at a
 * time, as the original CLI offered it. The engine makes the plan each stands for (spec.hosts, the
 * same the API's original routes make), written under .pumphouse/migrate/ and applied with the
 * same engine and state as `pumphouse apply`.
 */
function hostAction(action: 'evacuate' | 'upgrade'): CliCommand<HostActionArgs> {
  return {
    name: `${action} <hosts..>`,
    builder: (yargs: Argv) => {
      const common = yargs
        .positional('hosts', { type: 'string', array: true, describe: 'source hypervisor names' })
        .option('method', { choices: ['live', 'cold', 'evacuate', 'target'], default: 'live', describe: 'how servers leave: live or cold migration, evacuation of a dead host, or to the target cloud' })
        .option('to', { type: 'string', array: true, default: [], describe: 'destination source hosts (live, cold, evacuate); repeatable; default: the scheduler picks' })
        .option('auto-approve', { type: 'boolean', default: false, describe: 'do not ask before applying' })
        .option('state', { type: 'string', default: DEFAULT_STATE_PATH, describe: 'the state file' });
      return action === 'evacuate' ? common : common
        .option('environment', { type: 'string', describe: 'the Fuel environment (default: pumphouse.yaml fuel.environment)' })
        .option('template', { type: 'string', describe: 'the target compute node whose disk and network layout to copy (default: a ready one)' })
        .option('roles', { type: 'string', array: true, default: ['compute'], describe: 'Fuel roles to assign' });
    },
    run: async (context: CommandContext, args: HostActionArgs) => {
      const fuel = { roles: args.roles, ...(args.environment ? { environment: args.environment } : {}), ...(args.template ? { template: args.template } : {}) };
      const plan = await context.engine.granularPlan({ action, hosts: args.hosts, method: args.method, to: args.to, ...(action === 'upgrade' ? { fuel } : {}) });
      const file = writeGranularPlan(args.state, plan);
      writeLine(context.streams.stderr, `The plan for this command is ${file}; apply it again with \`pumphouse apply ${file}\`.`);
      return applyFromCli(context, { planFile: file, statePath: args.state, autoApprove: args.autoApprove, request: { plan: { file }, failFast: false } });
    },
  };
}

export const evacuateCommand = hostAction('evacuate');
export const upgradeCommand = hostAction('upgrade');
