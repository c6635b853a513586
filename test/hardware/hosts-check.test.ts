import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';
import type { HostReport } from '../../src/hosts/report.js';
import { runCli } from '../helpers/cli.js';
import { privateSandbox } from '../helpers/sandbox.js';
import { startBmcs, type SimulatedBmcs } from './bmc-sim.js';

/**
 * `pumphouse hosts --check` as an operator runs it against IPMI BMCs: the sandbox's clouds, and
 * pumphouse.yaml's hosts pointing at real ipmi_sim BMCs through the ipmitool driver, the
 * password from the environment. Every BMC's power state is read; a wrong password is a
 * finding on that host's row (PH1801), never printed.
 */
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;

let bmcs: SimulatedBmcs;
let env: Awaited<ReturnType<typeof privateSandbox>>;

describe('pumphouse hosts --check against ipmi_sim BMCs', () => {
  before(async () => {
    [bmcs, env] = await Promise.all([startBmcs(3, PASSWORD), privateSandbox({ hardware: false })]);
  });
  after(async () => {
    await Promise.all([bmcs?.stop(), env?.stop()]);
  });

  test('power states of every host, through ipmitool; a wrong password is that host\'s finding', { timeout: 60_000 }, async () => {
    const config = YAML.parse(readFileSync(env.config, 'utf8')) as Record<string, unknown>;
    const bmc = (index: number, password: string) => ({ driver: 'ipmitool', address: '127.0.0.1', port: bmcs.port(index), username: bmcs.user, password, timeout_seconds: 5 });
    config['hosts'] = {
      'cmp-1': { bmc: bmc(1, '${BMC_PASSWORD}') },
      'cmp-2': { bmc: bmc(2, '${BMC_PASSWORD}') },
      'cmp-3': { bmc: bmc(3, '${WRONG_BMC_PASSWORD}') },
    };
    writeFileSync(env.config, YAML.stringify(config));
    bmcs.setPower(1, true);
    bmcs.setPower(2, false);
    const wrong = `bad-${randomBytes(8).toString('hex')}`;
    const checked = await runCli(['--config', env.config, '--output', 'json', 'hosts', '--check'], { env: { BMC_PASSWORD: PASSWORD, WRONG_BMC_PASSWORD: wrong } });
    assert.equal(checked.code, 1, 'a host whose BMC could not be read makes the check fail');
    const report = JSON.parse(checked.stdout) as HostReport;
    const rows = new Map(report.hosts.map((h) => [h.name, h]));
    assert.equal(rows.get('cmp-1')?.check?.power, 'on');
    assert.equal(rows.get('cmp-2')?.check?.power, 'off');
    assert.equal(rows.get('cmp-1')?.bmc?.driver, 'ipmitool');
    assert.match(rows.get('cmp-3')?.check?.powerError ?? '', /^PH\d{4} .*(credentials|password)/i);
    const human = await runCli(['--config', env.config, 'hosts', '--check'], { env: { BMC_PASSWORD: PASSWORD, WRONG_BMC_PASSWORD: wrong } });
    assert.match(human.stdout, new RegExp(`cmp-2 .* ipmitool 127\\.0\\.0\\.1:${bmcs.port(2)}\\s+off`));
    for (const text of [checked.stdout, checked.stderr, human.stdout, human.stderr]) {
      assert.ok(!text.includes(PASSWORD) && !text.includes(wrong), 'no BMC password in any output');
    }
  });
});
