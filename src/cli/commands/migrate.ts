import type { Argv } from 'yargs';
import { MIGRATE_KINDS, parseMaps, writeGranularPlan, type MigrateKind } from '../../engine/granular.js';
import { writeLine } from '../../render/streams.js';
import { applyFromCli } from '../apply-run.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { DEFAULT_STATE_PATH } from './shared.js';

interface MigrateArgs {
  kind: MigrateKind;
  names: string[];
  autoApprove: boolean;
  state: string;
  strategy: 'snapshot' | 'rebuild';
  source: 'delete' | 'keep-stopped' | 'keep';
  parallelism?: number;
  mapNetwork: string[];
  mapVolumeType: string[];
}

/**
 * `pumphouse migrate image|identity|project|server|volume NAME_OR_ID...`: the original Pumphouse's
 * granular commands. The engine makes the plan each stands for (the same the API's original
 * routes make); it is written under .pumphouse/migrate/, so the operator can read, keep or
 * re-apply it, and applied with the same engine and state as `pumphouse apply`: shown, approved
 * (or --auto-approve), resumable.
 */
export const migrateCommand: CliCommand<MigrateArgs> = {
  name: 'migrate <kind> <names..>',
  builder: (yargs: Argv) =>
    yargs
      .positional('kind', { choices: MIGRATE_KINDS, describe: 'what to move' })
      .positional('names', { type: 'string', array: true, describe: 'names, ids or globs (quote globs: \'lab-*\')' })
      .option('auto-approve', { type: 'boolean', default: false, describe: 'do not ask before applying' })
      .option('state', { type: 'string', default: DEFAULT_STATE_PATH, describe: 'the state file' })
      .option('strategy', { choices: ['snapshot', 'rebuild'], default: 'snapshot', describe: 'project/server: copy the root disk (snapshot) or boot from the original image (rebuild)' })
      .option('source', { choices: ['delete', 'keep-stopped', 'keep'], default: 'keep-stopped', describe: 'project/server: what happens to the source server once its copy is verified' })
      .option('parallelism', { type: 'number', describe: 'steps at once' })
      .option('map-network', { type: 'string', array: true, default: [], describe: 'SOURCE=TARGET: the target\'s name of an external network (spec.maps.networks); repeatable' })
      .option('map-volume-type', { type: 'string', array: true, default: [], describe: 'SOURCE=TARGET: the target\'s name of a volume type (spec.maps.volumeTypes); repeatable' }),
  run: async (context: CommandContext, args: MigrateArgs) => {
    const plan = await context.engine.granularPlan({
      action: 'migrate', kind: args.kind, names: args.names, strategy: args.strategy, source: args.source,
      maps: { networks: parseMaps('--map-network', args.mapNetwork), volumeTypes: parseMaps('--map-volume-type', args.mapVolumeType) },
    });
    const file = writeGranularPlan(args.state, plan);
    writeLine(context.streams.stderr, `The plan for this command is ${file}; apply it again with \`pumphouse apply ${file}\`.`);
    return applyFromCli(context, {
      planFile: file, statePath: args.state, autoApprove: args.autoApprove,
      request: { plan: { file }, failFast: false, ...(args.parallelism !== undefined ? { parallelism: args.parallelism } : {}) },
    });
  },
};
