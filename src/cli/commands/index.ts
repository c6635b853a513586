import type { CliCommand } from '../main.js';

/**
 * Every command by its word, with the line `--help` shows, and how to load it. A command's module
 * (and everything it imports: the engine, the simulator, the server) is loaded only when that
 * command runs, so `pumphouse --version` and `validate` start in a fraction of the time.
 */
export interface CommandEntry {
  word: string;
  describe: string;
  load(): Promise<CliCommand<any>>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { word: 'clouds', describe: 'Show the source and target clouds: Keystone version, region, each service with endpoints, API version and microversions', load: async () => (await import('./clouds.js')).cloudsCommand },
  { word: 'discover', describe: 'Discover everything in a cloud that a migration touches: counts per kind and project, or the full inventory as JSON', load: async () => (await import('./discover.js')).discoverCommand },
  { word: 'validate', describe: 'Check plan files offline: YAML syntax, the schema and the semantic rules, each problem at file:line:col', load: async () => (await import('./validate.js')).validateCommand },
  { word: 'plan', describe: 'Show what apply would do to make the target match a plan file: human, JSON or Markdown (for pull requests)', load: async () => (await import('./plan.js')).planCommand },
  { word: 'apply', describe: 'Carry out a plan: copy and move what it selects to the target, resumably (state in .pumphouse/state.json)', load: async () => (await import('./apply.js')).applyCommand },
  { word: 'migrate', describe: 'Move named objects now: images, a project\'s identity, whole projects, single servers or volumes (a plan made for you, then applied)', load: async () => (await import('./migrate.js')).migrateCommand },
  { word: 'state', describe: 'Show the apply state (steps, id mappings, downtime, temporaries), or clear its lock (unlock --force)', load: async () => (await import('./state.js')).stateCommand },
  { word: 'cleanup', describe: 'Remove the temporary snapshots, volumes, images and admin roles an interrupted apply left behind (as recorded in the state)', load: async () => (await import('./cleanup.js')).cleanupCommand },
  { word: 'hosts', describe: 'List the source\'s hypervisors with their service, servers and BMC; --check asks each BMC for its power state and Fuel which node it is', load: async () => (await import('./hosts.js')).hostsCommand },
  { word: 'evacuate', describe: 'Put source hypervisors in maintenance and move every server off them (a plan made for you, then applied)', load: async () => (await import('./host-actions.js')).evacuateCommand },
  { word: 'upgrade', describe: 'Empty source hypervisors, PXE-boot them through their BMCs into Fuel and deploy them as compute nodes of the target', load: async () => (await import('./host-actions.js')).upgradeCommand },
  { word: 'serve', describe: 'Serve the HTTP API (plans, applies, live events) on the same engine and state as the CLI', load: async () => (await import('./serve.js')).serveCommand },
  { word: 'sandbox', describe: 'Serve simulated source and target clouds on 127.0.0.1 (Keystone, Nova, Glance, Neutron, Cinder) until Ctrl-C', load: async () => (await import('./sandbox.js')).sandboxCommand },
  { word: 'demo', describe: 'Run the whole job on the built-in sandbox and stop: clouds, discover of both, the plan of plans/demo.yaml, its apply, and the plan again', load: async () => (await import('./demo.js')).demoCommand },
];

/** Global options that take a value: the word after them is not the command. */
const VALUED_OPTIONS = new Set(['--config', '-c', '--output', '-o', '--source-cloud', '--target-cloud']);

/** The command argv names, if any: the first word that is neither an option nor an option's value. */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (VALUED_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
