import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { repoPath } from '../../schemas.js';
import { writeSandboxConfig } from '../../simulator/sandbox.js';
import { renderCloudsHuman } from '../../render/human/clouds.js';
import { renderInventoryHuman } from '../../render/human/inventory.js';
import { painter, writeLine } from '../../render/streams.js';
import { createContext, type CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { describeClouds } from './clouds.js';
import { discoverClouds } from './discover.js';
import { applyCommand } from './apply.js';
import { hostsCommand } from './hosts.js';
import { planFromFile, printPlan } from './plan.js';
import { startFromArgs } from './sandbox.js';
import { SCENARIO_NAMES, type ScenarioName } from '../../simulator/scenarios/index.js';

interface DemoArgs {
  scenario: ScenarioName;
}

/**
 * `pumphouse demo` (what `npm start` runs): the whole job, on the sandbox, start to end — start
 * two simulated clouds with their hardware (BMCs, a Fuel master; the source partly Fuel-built, as
 * `sandbox --source-fuel`), show them, discover both, check the hosts, plan plans/demo.yaml,
 * apply it (the workloads move, then cmp-3 is emptied, PXE-booted through its BMC into Fuel and
 * deployed as a compute node of the target), then plans/fuel-source.yaml (cmp-1, a node of the
 * source's Fuel environment, emptied, unassigned and wiped by Fuel, and deployed into the target
 * without its BMC), check the hosts and plan again ("No changes."), stop. The same code paths as
 * the real commands, with a config written for the sandbox.
 */
export const demoCommand: CliCommand<DemoArgs> = {
  name: 'demo',
  builder: (yargs: Argv) => yargs.option('scenario', { choices: SCENARIO_NAMES, default: 'demo' as ScenarioName }),
  run: async (context: CommandContext, args: DemoArgs) => {
    const c = painter(context.color);
    const out = context.streams.stdout;
    const sandbox = await startFromArgs({ scenario: args.scenario, scale: 1, portBase: 0, faultErrorRate: 0, faultLatencyMs: 0, faultServiceLatency: '', tokenTtl: 3600, faultSeed: 1, sourceFuel: true });
    const dir = mkdtempSync(join(tmpdir(), 'pumphouse-demo-'));
    try {
      writeSandboxConfig(dir, sandbox);
      // An apply attaches its printers to the context's events: each apply gets a context of its own.
      const newContext = (): CommandContext => createContext(
        { config: join(dir, 'pumphouse.yaml'), output: context.format, color: context.color, debug: context.debug, verbose: context.verbose },
        context.streams,
        context.env,
      );
      const demo = newContext();
      writeLine(out, c.bold(`== sandbox (${args.scenario}): source ${sandbox.source.authUrl}, target ${sandbox.target.authUrl}`));
      writeLine(out, c.bold('\n== pumphouse clouds'));
      const clouds = await describeClouds(demo, 'both');
      writeLine(out, context.format === 'json' ? JSON.stringify({ clouds }) : renderCloudsHuman(clouds, context.color));
      writeLine(out, c.bold('\n== pumphouse discover'));
      const inventories = await discoverClouds(demo, 'both');
      for (const inventory of inventories) {
        writeLine(out, context.format === 'json' ? JSON.stringify(inventory) : `${renderInventoryHuman(inventory, context.color)}\n`);
      }
      if (args.scenario === 'demo') {
        // The plans are copied next to the sandbox config so their passwords file is written there.
        const [plan, fuelPlan] = ['demo.yaml', 'fuel-source.yaml'].map((name) => {
          copyFileSync(repoPath('plans', name), join(dir, name));
          return join(dir, name);
        }) as [string, string];
        const state = join(dir, 'state.json');
        writeLine(out, c.bold('\n== pumphouse hosts --check (cmp-1, cmp-2 and ctl-1 are nodes of the source\'s Fuel environment old-cloud; cmp-3 has a BMC)'));
        await hostsCommand.run(demo, { check: true });
        writeLine(out, c.bold('\n== pumphouse plan plans/demo.yaml'));
        printPlan(demo, await planFromFile(demo, plan, { targets: [], excludes: [] }, state), { showNoop: false });
        writeLine(out, c.bold('\n== pumphouse apply plans/demo.yaml --auto-approve (cmp-3 through its BMC)'));
        let code = await applyCommand.run(demo, { plan, autoApprove: true, state, failFast: false, target: [], exclude: [] });
        if (code !== 0) return code;
        writeLine(out, c.bold('\n== pumphouse apply plans/fuel-source.yaml --auto-approve (cmp-1 through the source\'s Fuel: no BMC)'));
        code = await applyCommand.run(newContext(), { plan: fuelPlan, autoApprove: true, state, failFast: false, target: [], exclude: [] });
        if (code !== 0) return code;
        writeLine(out, c.bold('\n== pumphouse hosts --check (cmp-3 and cmp-1 now serve the target as Fuel compute nodes)'));
        await hostsCommand.run(demo, { check: true });
        writeLine(out, c.bold('\n== pumphouse plan plans/demo.yaml (again)'));
        printPlan(demo, await planFromFile(demo, plan, { targets: [], excludes: [] }, state), { showNoop: false });
      }
      writeLine(out, c.dim('\nNext: `pumphouse sandbox --write-config ./sandbox` keeps the clouds up to explore with pumphouse or the openstack CLI.'));
    } finally {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return 0;
  },
};

