import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ExecutionPlan } from '../../src/execution-plan/plan.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { tempFiles } from '../helpers/tmp.js';
import { realCloudNames } from './real-clouds.js';

// `pumphouse plan` from the seeded real source (test/real/seed-source.sh) to the fresh real
// target: what the sandbox golden files show, checked against real OpenStack.
const [source, target] = realCloudNames();
const PLAN = `apiVersion: pumphouse/v1
kind: MigrationPlan
metadata: { name: real }
spec:
  identity: { projects: [ph-web, ph-data] }
  workloads:
    - projects: [ph-web, ph-data]
      strategy: snapshot
`;
const files = tempFiles({
  'pumphouse.yaml': `source: { cloud: ${source} }\ntarget: { cloud: ${target} }\n`,
  'real.yaml': PLAN,
});
after(() => files.cleanup());
const plan = () => runCli(['--config', files.path('pumphouse.yaml'), '--output', 'json', 'plan', files.path('real.yaml')]);

describe(`pumphouse plan on real clouds (${source} → ${target})`, () => {
  test('the seeded workload moves with what it needs; the JSON is valid and deterministic', async () => {
    const first = await plan();
    const parsed = JSON.parse(first.stdout) as ExecutionPlan;
    const schema = JSON.parse(readFileSync(`${REPO_ROOT}/schemas/plan-output.schema.json`, 'utf8')) as object;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    assert.ok(validate(parsed), JSON.stringify(validate.errors?.slice(0, 3)));
    const action = (address: string) => parsed.changes.find((c) => c.address === address)?.action;
    assert.equal(action('server:ph-web/ph-web-1'), 'migrate');
    assert.equal(action('server:ph-data/ph-data-1'), 'migrate');
    assert.equal(action('volume:ph-data/ph-data-vol'), 'migrate');
    for (const address of ['project:ph-web', 'user:ph-alice', 'role-assignment:ph-data/ph-alice/member', 'flavor:ph-small', 'image:admin/ph-tiny-image', 'network:ph-web/ph-web-net', 'security-group:ph-web/ph-web-sg']) {
      assert.equal(action(address), 'create', address);
    }
    // The fresh target has no external network: the seeded one is a conflict that says what to map.
    const external = parsed.changes.find((c) => c.address === 'network:admin/ph-public');
    assert.equal(external?.action, 'conflict');
    assert.match(external?.reason ?? '', /map it in spec\.maps\.networks/);
    assert.equal(parsed.applyable, false);
    assert.equal(first.code, 1, 'an unapplyable plan exits 1');
    const second = await plan();
    const strip = (text: string) => text.replace(/"(createdAt|takenAt)": "[^"]+"/g, '"$1": "<time>"');
    assert.equal(strip(second.stdout), strip(first.stdout), 'two plans of unchanged real clouds are identical apart from times');
  });
});
