import type { Argv } from 'yargs';
import { PumphouseError } from '../../errors.js';
import { writeLine } from '../../render/streams.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { applyCommand } from './apply.js';
import { planNameOf, writePlanFile } from './migrate.js';
import { DEFAULT_STATE_PATH } from './shared.js';

type Method = 'live' | 'cold' | 'evacuate' | 'target';

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
 * time, as the original CLI offered it. Each writes the plan it stands for (spec.hosts, under
 * .pumphouse/migrate/) and applies it with the same engine and state as `pumphouse apply`.
 */
function hostAction(action: 'evacuate' | 'upgrade'): CliCommand<HostActionArgs> {
  const state = action === 'evacuate' ? 'evacuated' : 'upgraded';
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
      if (args.hosts.length === 0) throw new PumphouseError('PH0003', `${action}: name at least one host`, { hint: `e.g. pumphouse ${action} cmp-3 (the names \`pumphouse hosts\` lists)` });
      if (args.method === 'target' && args.to.length > 0) throw new PumphouseError('PH0003', '--to names source hosts, and --method target moves the servers to the target cloud', { hint: 'drop --to, or pick --method live|cold|evacuate' });
      const fuel = action === 'upgrade' && (args.environment || args.template || args.roles.join() !== 'compute')
        ? { fuel: { roles: args.roles, ...(args.environment ? { environment: args.environment } : {}), ...(args.template ? { template: args.template } : {}) } }
        : {};
      const hosts = args.hosts.map((name) => ({ name, state, evacuate: args.method, ...(args.to.length > 0 ? { to: args.to } : {}), ...fuel }));
      const file = writePlanFile(args.state, planNameOf([action, ...args.hosts]), { hosts }, `pumphouse ${action} ${args.hosts.join(' ')}`);
      writeLine(context.streams.stderr, `The plan for this command is ${file}; apply it again with \`pumphouse apply ${file}\`.`);
      return applyCommand.run(context, { plan: file, autoApprove: args.autoApprove, state: args.state, failFast: false, target: [], exclude: [] });
    },
  };
}

export const evacuateCommand = hostAction('evacuate');
export const upgradeCommand = hostAction('upgrade');
