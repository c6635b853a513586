import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlanFile } from '../../../src/plan-file/index.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { tempFiles } from '../../helpers/tmp.js';

const HEAD = 'apiVersion: pumphouse/v1\nkind: MigrationPlan\nmetadata: { name: t }\n';
const files = tempFiles({});
after(() => files.cleanup());
let n = 0;
function load(text: string | Buffer) {
  const name = `plan-${n++}.yaml`;
  const path = files.path(name);
  writeFileSync(path, text);
  return { path, ...loadPlanFile(path) };
}

/** The one diagnostic a bad plan gives, with its code and position. */
function only(text: string) {
  const loaded = load(HEAD + text);
  assert.equal(loaded.desired, undefined, 'no desired state from a plan with errors');
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 1, JSON.stringify(loaded.diagnostics));
  return errors[0]!;
}

describe('plan file loading', () => {
  test('defaults are filled in, shorthands expanded, positions and the file hash kept', () => {
    const text = `${HEAD}spec:\n  identity:\n    projects: [demo]\n  workloads:\n    - projects: [demo]\n    - projects: [ops]\n      servers: { names: ["web-*"] }\n      strategy: rebuild\n  images: [cirros]\n  hosts:\n    - name: cmp-1\n      state: upgraded\n      fuel: { environment: mos, template: node-4 }\n`;
    const loaded = load(text);
    assert.deepEqual(loaded.diagnostics, []);
    const d = loaded.desired!;
    assert.equal(d.name, 't');
    assert.equal(d.fileHash, createHash('sha256').update(text).digest('hex'));
    assert.equal(d.identity?.passwords, 'reset');
    assert.equal(d.identity?.passwordsFile, join(files.dir, 't.passwords.yaml'));
    assert.deepEqual(d.workloads[0], {
      index: 0, location: { file: loaded.path, line: 8, col: 7 }, projects: ['demo'],
      servers: { names: [], ids: [], tags: [], hosts: [] }, strategy: 'snapshot', volumes: 'attached', source: 'keep-stopped',
    });
    assert.equal(d.workloads[1]?.strategy, 'rebuild');
    assert.deepEqual(d.images, { names: ['cirros'] });
    assert.equal(d.flavors, 'referenced');
    assert.deepEqual(d.hosts[0]?.fuel, { environment: 'mos', template: 'node-4' }, 'roles left to the diff: compute, or controller for a host without nova-compute');
    assert.deepEqual(d.hosts[0]?.abandon, []);
    assert.equal(d.hosts[0]?.evacuate, 'live');
    assert.deepEqual(d.parallelism, { global: 8, perHost: 2 });
    assert.deepEqual(d.maps, { networks: {}, availabilityZones: {}, volumeTypes: {}, flavors: {} });
    assert.deepEqual([d.identity?.location.line, d.hosts[0]?.location.line, d.hosts[0]?.to], [6, 14, []]);
    assert.equal(d.file, loaded.path);
  });

  test('the file hash is of the bytes, even where they are not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from(`${HEAD}# caf`), Buffer.from([0xe9]), Buffer.from('\nspec:\n  identity: { projects: [demo], passwordsFile: out/p.yaml }\n')]);
    const loaded = load(bytes);
    assert.deepEqual(loaded.diagnostics, []);
    assert.equal(loaded.desired?.fileHash, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(loaded.desired?.identity?.passwordsFile, join(files.dir, 'out', 'p.yaml'));
  });

  test('a misspelt key is located with a suggestion', () => {
    const d = only('spec:\n  workloads:\n    - projects: [demo]\n      stratgy: snapshot\n');
    assert.equal(d.code, 'PH1304');
    assert.deepEqual([d.location?.line, d.location?.col], [7, 7]);
    assert.match(d.message, /unknown key "stratgy"/);
    assert.equal(d.hint, 'did you mean "strategy"?');
  });

  test('wrong values name what is allowed', () => {
    const d = only('spec:\n  hosts:\n    - name: cmp-1\n      state: upgradde\n');
    assert.match(d.message, /must be one of: maintenance, evacuated, released, upgraded, decommissioned/);
    assert.equal(d.location?.line, 7);
    assert.equal(only('spec:\n  workloads: []\n  parallelism: { global: 0 }\n').code, 'PH1304');
    const typo = only('spec:\n  workloads:\n    - projects: [demo]\n      strategy: snapshoot\n');
    assert.deepEqual([typo.location?.line, typo.location?.col, typo.hint], [7, 17, 'did you mean "snapshot"?']);
    assert.match(only('spec:\n  identity: { projects: [demo], passwords: keystone-db }\n').message, /spec\.identity\.passwords must be one of: reset, skip/);
  });

  test('a value no alternative accepts gives one message listing them; a value of the right shape, its own errors', () => {
    const wrong = only('spec:\n  images: referencd\n');
    assert.deepEqual([wrong.message, wrong.location?.line, wrong.location?.col], ['spec.images must be referenced, all, an array or an object', 5, 11]);
    const inner = load(`${HEAD}spec:\n  flavors: { nmes: [m1.small] }\n`).diagnostics;
    assert.deepEqual(inner.map((d) => d.message), ['spec.flavors is missing the required key "names"', 'unknown key "nmes" in spec.flavors']);
    assert.equal(inner[1]?.hint, 'did you mean "names"?');
    assert.equal(only('spec:\n  images: [cirros, 3]\n').message, 'spec.images.1 must be a string');
  });

  test('header mistakes say what to write', () => {
    const got = load('apiVersion: pumphouse/v2\nkind: Plan\nmetadata: { name: Wave_1 }\nspec: {}\n').diagnostics;
    assert.deepEqual(got.map((d) => [d.location?.line, d.message.split(' (')[0]]), [
      [1, 'apiVersion must be "pumphouse/v1"'],
      [2, 'kind must be "MigrationPlan"'],
      [3, 'metadata.name does not match the expected form ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'],
    ]);
    assert.match(got[2]?.hint ?? '', /^Lower-case letters, digits and dashes/);
  });

  test('hostile input fails fast with a located error', () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`).join('\n')}\n`;
    for (const [input, code] of [
      [bomb, 'PH1303'],
      [Buffer.from([0x61, 0x3a, 0x00, 0xff, 0xfe]), 'PH1302'],
      ['x'.repeat(4 * 1024 * 1024 + 1), 'PH1302'],
      ['spec: [unclosed\n', 'PH1303'],
      ['- a list\n', 'PH1305'],
      ['just a string\n', 'PH1305'],
    ] as const) {
      const started = performance.now();
      const loaded = load(input);
      assert.equal(loaded.diagnostics[0]?.code, code, JSON.stringify(loaded.diagnostics[0]));
      assert.ok(loaded.diagnostics[0]?.location?.file, 'located');
      assert.ok(performance.now() - started < 2000, 'fails fast');
    }
    assert.equal(loadPlanFile(files.path('missing.yaml')).diagnostics[0]?.code, 'PH1301');
    assert.match(loadPlanFile(files.dir).diagnostics[0]?.message ?? '', /cannot be read: it is a directory/);
    if (existsSync('/dev/zero')) assert.equal(loadPlanFile('/dev/zero').diagnostics[0]?.code, 'PH1302', 'an endless file is cut off at the limit');
  });

  test('every example under plans/ is valid and starts with the schema header', () => {
    const dir = join(REPO_ROOT, 'plans');
    const names = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(names.length >= 8);
    for (const name of names) {
      const loaded = loadPlanFile(join(dir, name));
      assert.deepEqual(loaded.diagnostics, [], name);
      assert.match(readFileSync(join(dir, name), 'utf8'), /^# yaml-language-server: \$schema=\.\.\/schemas\/plan\.schema\.json\n/, name);
    }
  });
});
