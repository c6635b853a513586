/**
 * Records raw API responses as fixtures: test/fixtures/api/<zed|sandbox>/<kind>.json.
 *   npm run build && node dist/test/real/record-api-fixtures.js --cloud c5000            (→ zed)
 *   npm run build && node dist/test/real/record-api-fixtures.js --sandbox demo           (→ sandbox)
 * Options: --out DIR (default test/fixtures/api/<source>), --prefer REGEX (the objects to keep
 * first, by name or project name; default the kitchen-sink ones, ^(ph-)?ks-), --port-base N
 * (the sandbox's ports, default 18730: they show in the recorded links, so a fixed one keeps a
 * re-recording of an unchanged scenario identical).
 * Read with Pumphouse's own client (the microversions and headers discovery uses). Refuses to
 * write anything that looks secret (test/helpers/secret-scan.ts) and says where it is.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cloudFromCloudsYaml } from '../../src/config/load.js';
import type { CloudConfig } from '../../src/config/types.js';
import { connect } from '../../src/openstack/index.js';
import { startSandbox, type Sandbox } from '../../src/simulator/sandbox.js';
import { isScenarioName } from '../../src/simulator/scenarios/index.js';
import { recordAll, type ApiFixture, type FixtureSource } from '../helpers/api-fixtures.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { sandboxCloudConfig } from '../helpers/sandbox.js';
import { findSecrets } from '../helpers/secret-scan.js';

interface Args {
  cloud?: string;
  sandbox?: string;
  out?: string;
  prefer: string;
  'port-base': string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { prefer: '^(ph-)?ks-', 'port-base': '18730' };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined || !['--cloud', '--sandbox', '--out', '--prefer', '--port-base'].includes(flag ?? '')) usage(`unexpected argument ${flag ?? ''}`);
    args[flag!.slice(2) as keyof Args] = value!;
  }
  if (Boolean(args.cloud) === Boolean(args.sandbox)) usage('give exactly one of --cloud NAME and --sandbox SCENARIO');
  return args;
}

function usage(problem: string): never {
  process.stderr.write(`record-api-fixtures: ${problem}\nusage: node dist/test/real/record-api-fixtures.js (--cloud CLOUDS_YAML_NAME | --sandbox SCENARIO) [--out DIR] [--prefer REGEX] [--port-base N]\n`);
  process.exit(2);
}

/** Fails, naming each place, if any fixture holds something secret. */
function assertNoSecrets(fixtures: ApiFixture[], known: string[]): void {
  const findings = fixtures.flatMap((f) => findSecrets(f, known, f.kind));
  if (findings.length === 0) return;
  const lines = findings.map((f) => `  ${f.path}: ${f.reason}`).join('\n');
  throw new Error(`refusing to write fixtures: ${findings.length} field(s) look secret:\n${lines}\nremove the secret from the cloud (or teach test/helpers/secret-scan.ts why it is not one) and record again`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let sandbox: Sandbox | undefined;
  let config: CloudConfig;
  let source: FixtureSource;
  if (args.sandbox) {
    if (!isScenarioName(args.sandbox)) usage(`no sandbox scenario "${args.sandbox}"`);
    sandbox = await startSandbox({ scenario: args.sandbox, portBase: Number(args['port-base']), hardware: false });
    config = sandboxCloudConfig(sandbox.source, 'sandbox-source');
    source = 'sandbox';
  } else {
    config = cloudFromCloudsYaml(args.cloud!);
    source = 'zed';
  }
  const cloud = await connect(config);
  try {
    const fixtures = await recordAll(cloud, source, new RegExp(args.prefer), (kind, counts) => process.stderr.write(`${kind}: ${counts}\n`));
    assertNoSecrets(fixtures, [config.auth.password, await cloud.session.token()].filter((s): s is string => Boolean(s)));
    const dir = args.out ?? join(REPO_ROOT, 'test', 'fixtures', 'api', source);
    mkdirSync(dir, { recursive: true });
    for (const fixture of fixtures) writeFileSync(join(dir, `${fixture.kind}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
    process.stderr.write(`wrote ${fixtures.length} files to ${dir}\n`);
  } finally {
    cloud.close();
    await sandbox?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`record-api-fixtures: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
