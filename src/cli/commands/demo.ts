import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { shippedPath } from '../../engine/files.js';
import { SCENARIO_NAMES, startSandboxFor, writeSandboxFiles, type ScenarioName } from '../../engine/sandbox.js';
import { renderCloudsHuman } from '../../render/human/clouds.js';
import { renderHostsHuman } from '../../render/human/hosts.js';
import { renderInventoryHuman } from '../../render/human/inventory.js';
import { painter, writeLine } from '../../render/streams.js';
import { applyFromCli } from '../apply-run.js';
import { createContext, type CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { diagnosticsPrinter, printPlan } from '../output.js';

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
    const sandbox = await startSandboxFor({ scenario: args.scenario, scale: 1, portBase: 0, faultErrorRate: 0, faultLatencyMs: 0, faultServiceLatency: '', tokenTtl: 3600, faultSeed: 1, sourceFuel: true });
    const dir = mkdtempSync(join(tmpdir(), 'pumphouse-demo-'));
    try {
      await writeSandboxFiles(dir, sandbox);
      // An apply attaches its printers to the context's events: each apply gets a context of its own.
      const newContext = (): CommandContext => createContext(
        { config: join(dir, 'pumphouse.yaml'), output: context.format, color: context.color, debug: context.debug, verbose: context.verbose },
        context.streams,
        context.env,
      );
      const demo = newContext();
      writeLine(out, c.bold(`== sandbox (${args.scenario}): source ${sandbox.source.authUrl}, target ${sandbox.target.authUrl}`));
      writeLine(out, c.bold('\n== pumphouse clouds'));
      const clouds = await demo.engine.clouds('both');
      writeLine(out, context.format === 'json' ? JSON.stringify({ clouds }) : renderCloudsHuman(clouds, context.color));
      writeLine(out, c.bold('\n== pumphouse discover'));
      const inventories = await demo.engine.discover('both');
      for (const inventory of inventories) {
        writeLine(out, context.format === 'json' ? JSON.stringify(inventory) : `${renderInventoryHuman(inventory, context.color)}\n`);
      }
      if (args.scenario === 'demo') {
        // The plans are copied next to the sandbox config so their passwords file is written there.
        const [plan, fuelPlan] = ['demo.yaml', 'fuel-source.yaml'].map((name) => {
          copyFileSync(shippedPath('plans', name), join(dir, name));
          return join(dir, name);
        }) as [string, string];
        const state = join(dir, 'state.json');
        writeLine(out, c.bold('\n== pumphouse hosts --check (cmp-1, cmp-2 and ctl-1 are nodes of the source\'s Fuel environment old-cloud; cmp-3 has a BMC)'));
        await showHosts(demo);
        writeLine(out, c.bold('\n== pumphouse plan plans/demo.yaml'));
        printPlan(demo, await demo.engine.plan({ file: plan, statePath: state }, diagnosticsPrinter(demo)), { showNoop: false });
        writeLine(out, c.bold('\n== pumphouse apply plans/demo.yaml --auto-approve (cmp-3 through its BMC)'));
        let code = await applyFromCli(demo, { planFile: plan, statePath: state, autoApprove: true, request: { plan: { file: plan }, failFast: false } });
        if (code !== 0) return code;
        writeLine(out, c.bold('\n== pumphouse apply plans/fuel-source.yaml --auto-approve (cmp-1 through the source\'s Fuel: no BMC)'));
        code = await applyFromCli(newContext(), { planFile: fuelPlan, statePath: state, autoApprove: true, request: { plan: { file: fuelPlan }, failFast: false } });
        if (code !== 0) return code;
        writeLine(out, c.bold('\n== pumphouse hosts --check (cmp-3 and cmp-1 now serve the target as Fuel compute nodes)'));
        await showHosts(demo);
        writeLine(out, c.bold('\n== pumphouse plan plans/demo.yaml (again)'));
        printPlan(demo, await demo.engine.plan({ file: plan, statePath: state }, diagnosticsPrinter(demo)), { showNoop: false });
      }
      writeLine(out, c.dim('\nNext: `pumphouse sandbox --write-config ./sandbox` keeps the clouds up to explore with pumphouse or the openstack CLI.'));
    } finally {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return 0;
  },
};

/** `pumphouse hosts --check`, as the demo shows it (the exit code is the apply's business). */
async function showHosts(context: CommandContext): Promise<void> {
  const report = await context.engine.hosts({ check: true });
  if (context.format === 'json') writeLine(context.streams.stdout, JSON.stringify(report, null, 2));
  else writeLine(context.streams.stdout, renderHostsHuman(report, { color: context.color, checked: true }));
}
