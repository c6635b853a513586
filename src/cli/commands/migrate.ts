import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import YAML from 'yaml';
import { PumphouseError } from '../../errors.js';
import { writeLine } from '../../render/streams.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { applyCommand, DEFAULT_STATE_PATH } from './apply.js';

type MigrateKind = 'image' | 'identity' | 'project' | 'server' | 'volume';
const KINDS: readonly MigrateKind[] = ['image', 'identity', 'project', 'server', 'volume'];

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
 * granular commands. Each writes the plan file it stands for (under .pumphouse/migrate/, so the
 * operator can read, keep or re-apply it) and applies it with the same engine and state as
 * `pumphouse apply`: shown, approved (or --auto-approve), resumable.
 */
export const migrateCommand: CliCommand<MigrateArgs> = {
  name: 'migrate <kind> <names..>',
  builder: (yargs: Argv) =>
    yargs
      .positional('kind', { choices: KINDS, describe: 'what to move' })
      .positional('names', { type: 'string', array: true, describe: 'names, ids or globs' })
      .option('auto-approve', { type: 'boolean', default: false, describe: 'do not ask before applying' })
      .option('state', { type: 'string', default: DEFAULT_STATE_PATH, describe: 'the state file' })
      .option('strategy', { choices: ['snapshot', 'rebuild'], default: 'snapshot', describe: 'project/server: copy the root disk (snapshot) or boot from the original image (rebuild)' })
      .option('source', { choices: ['delete', 'keep-stopped', 'keep'], default: 'keep-stopped', describe: 'project/server: what happens to the source server once its copy is verified' })
      .option('parallelism', { type: 'number', describe: 'steps at once' })
      .option('map-network', { type: 'string', array: true, default: [], describe: 'SOURCE=TARGET: the target\'s name of an external network (spec.maps.networks); repeatable' })
      .option('map-volume-type', { type: 'string', array: true, default: [], describe: 'SOURCE=TARGET: the target\'s name of a volume type (spec.maps.volumeTypes); repeatable' }),
  run: async (context: CommandContext, args: MigrateArgs) => {
    if (args.names.length === 0) throw new PumphouseError('PH0003', `migrate ${args.kind}: name at least one ${args.kind}`, { hint: `e.g. pumphouse migrate ${args.kind} NAME` });
    const file = writeGranularPlan(args);
    writeLine(context.streams.stderr, `The plan for this command is ${file}; apply it again with \`pumphouse apply ${file}\`.`);
    return applyCommand.run(context, { plan: file, autoApprove: args.autoApprove, state: args.state, failFast: false, target: [], exclude: [], ...(args.parallelism !== undefined ? { parallelism: args.parallelism } : {}) });
  },
};

/** The plan file a granular command stands for, written under the state file's folder. */
export function writeGranularPlan(args: Pick<MigrateArgs, 'kind' | 'names' | 'strategy' | 'source' | 'state' | 'mapNetwork' | 'mapVolumeType'>): string {
  const name = planNameOf(['migrate', args.kind, ...args.names]);
  const spec: Record<string, unknown> = { images: 'referenced', flavors: 'referenced' };
  const workload = { strategy: args.strategy, volumes: 'attached', source: args.source };
  switch (args.kind) {
    case 'image':
      spec['images'] = { names: args.names };
      break;
    case 'identity':
      spec['identity'] = { projects: args.names, passwords: 'reset' };
      break;
    case 'project':
      spec['identity'] = { projects: args.names, passwords: 'reset' };
      spec['workloads'] = [{ projects: args.names, ...workload }];
      break;
    case 'server': {
      const ids = args.names.filter((n) => /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(n));
      const names = args.names.filter((n) => !ids.includes(n));
      // A server is named across projects; names and ids are separate workloads (each list narrows).
      spec['workloads'] = [
        ...(names.length > 0 ? [{ projects: ['*'], servers: { names }, ...workload }] : []),
        ...(ids.length > 0 ? [{ projects: ['*'], servers: { ids }, ...workload }] : []),
      ];
      break;
    }
    case 'volume':
      spec['volumes'] = { names: args.names };
      break;
  }
  const maps = { networks: parseMaps('--map-network', args.mapNetwork), volumeTypes: parseMaps('--map-volume-type', args.mapVolumeType) };
  if (Object.keys(maps.networks).length + Object.keys(maps.volumeTypes).length > 0) spec['maps'] = maps;
  return writePlanFile(args.state, name, spec, `pumphouse migrate ${args.kind} ${args.names.join(' ')}`);
}

/** Writes the plan a granular command stands for under the state file's folder (`migrate/NAME.yaml`). */
export function writePlanFile(statePath: string, name: string, spec: Record<string, unknown>, commandLine: string): string {
  const plan = { apiVersion: 'pumphouse/v1', kind: 'MigrationPlan', metadata: { name }, spec };
  const dir = join(statePath, '..', 'migrate');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `# Written by \`${commandLine}\`; apply it again with \`pumphouse apply ${file}\`.\n${YAML.stringify(plan)}`);
  return file;
}

/** A plan name made of a command's words, safe as a file name. */
export function planNameOf(words: readonly string[]): string {
  return words.join('-').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100);
}

function parseMaps(flag: string, pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const [from, to, ...rest] = pair.split('=');
    if (!from || !to || rest.length > 0) throw new PumphouseError('PH0004', `${flag} ${pair} is not SOURCE=TARGET`, { hint: `e.g. ${flag} public=admin_floating_net` });
    out[from] = to;
  }
  return out;
}
