import type { Argv } from 'yargs';
import { painter, writeLine } from '../../render/streams.js';
import type { ApplyState } from '../../state/model.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { DEFAULT_STATE_PATH } from './shared.js';

interface StateArgs {
  action: 'show' | 'unlock';
  state: string;
  force: boolean;
}

/** `pumphouse state show | unlock --force`: read the apply state; clear a lock left behind. */
export const stateCommand: CliCommand<StateArgs> = {
  name: 'state <action>',
  builder: (yargs: Argv) =>
    yargs
      .positional('action', { choices: ['show', 'unlock'], describe: 'show: the state; unlock: remove a lock left behind' })
      .option('state', { type: 'string', default: DEFAULT_STATE_PATH, describe: 'the state file' })
      .option('force', { type: 'boolean', default: false, describe: 'unlock: really remove the lock' }),
  run: async (context: CommandContext, args: StateArgs) => {
    if (args.action === 'unlock') {
      const { removed } = await context.engine.stateUnlock(args.state, args.force);
      writeLine(context.streams.stdout, removed === undefined ? `${args.state} is not locked.` : `Removed the lock of ${args.state}, held by ${removed}.`);
      return 0;
    }
    const view = await context.engine.stateShow(args.state);
    if (context.format === 'json') {
      writeLine(context.streams.stdout, JSON.stringify(view.state, null, 2));
      return 0;
    }
    writeLine(context.streams.stdout, renderState(view.state, args.state, view.lockedBy, context.color));
    return 0;
  },
};

function renderState(state: ApplyState, path: string, lockedBy: string | undefined, color: boolean): string {
  const c = painter(color);
  const lines = [c.bold(`State ${path}`), `  lineage ${state.lineage}, serial ${state.serial}, updated ${state.updatedAt}`];
  if (state.clouds) lines.push(`  clouds  ${state.clouds.source.authUrl} → ${state.clouds.target.authUrl}`);
  if (state.plan) lines.push(`  plan    "${state.plan.name}" (${state.plan.hash.slice(0, 12)}…), started ${state.plan.startedAt}`);
  lines.push(`  lock    ${lockedBy ? `held by ${lockedBy}` : 'free'}`);
  const steps = Object.entries(state.steps);
  const counts = new Map<string, number>();
  for (const [, s] of steps) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  lines.push('', `Steps: ${steps.length} (${[...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'none'})`);
  for (const [id, s] of steps.filter(([, s]) => s.status === 'failed' || s.status === 'running')) {
    lines.push(`  ${s.status === 'failed' ? c.red('✗') : c.yellow('…')} ${id} (attempt ${s.attempts})${s.error ? `: ${s.error.code ? `${s.error.code} ` : ''}${s.error.message}` : ''}`);
  }
  const downtime = Object.entries(state.downtime);
  if (downtime.length > 0) {
    lines.push('', 'Server downtime:');
    for (const [server, d] of downtime.sort(([a], [b]) => a.localeCompare(b))) {
      const how = d.verifiedAt ? `moved, ${(d.seconds ?? 0).toFixed(1)} s` : d.restartedAt ? `started again on the source after ${(d.seconds ?? 0).toFixed(1)} s` : d.stoppedAt ? `stopped since ${d.stoppedAt}` : 'was not running';
      lines.push(`  ${server}  ${how}`);
    }
  }
  const temporaries = Object.values(state.temporaries);
  lines.push('', `Id mappings: ${Object.keys(state.mappings).length}`);
  lines.push(`Temporary objects: ${temporaries.length}${temporaries.length > 0 ? ' (`pumphouse cleanup` removes them)' : ''}`);
  for (const t of temporaries) lines.push(`  ${t.cloud} ${t.kind} ${t.id}: ${t.purpose}`);
  return lines.join('\n');
}
