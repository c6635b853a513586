import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, managementOf } from '../../../src/config/load.js';
import { PumphouseError } from '../../../src/errors.js';
import { tempFiles } from '../../helpers/tmp.js';

const CLOUDS = `clouds:
  old:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
  new:
    auth:
      auth_url: https://new.example.com/v3
      username: admin
      password: from-clouds-yaml
      project_name: admin
    insecure: true
`;
const SECURE = `clouds:
  old:
    auth:
      password: from-secure-yaml
`;

function expectError(fn: () => unknown, code: string): PumphouseError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof PumphouseError, `expected a PumphouseError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected error ${code}`);
}

test('a cloud by clouds.yaml name, with secure.yaml merged and overrides applied', () => {
  const t = tempFiles({
    'clouds.yaml': CLOUDS,
    'secure.yaml': SECURE,
    'pumphouse.yaml': 'clouds_file: clouds.yaml\nsource:\n  cloud: old\n  interface: internal\ntarget:\n  cloud: new\n  cacert: ca.pem\n',
  });
  try {
    const config = loadConfig(t.path('pumphouse.yaml'), {});
    assert.equal(config.source.auth.password, 'from-secure-yaml');
    assert.equal(config.source.auth.auth_url, 'http://127.0.0.1:5000/v3');
    assert.equal(config.source.interface, 'internal');
    assert.equal(config.source.region_name, 'RegionOne');
    assert.equal(config.source.cloudName, 'old');
    assert.equal(config.target.verify, false, 'insecure: true in clouds.yaml turns verification off');
    assert.equal(config.target.cacert, t.path('ca.pem'), 'cacert is resolved relative to the file that names it');
    assert.equal(config.cloudsFile, t.path('clouds.yaml'));
    assert.equal(config.settings.discovery.pageSize, 1000);
  } finally {
    t.cleanup();
  }
});

test('${ENV} references are expanded, with defaults, and $${ is a literal', () => {
  const t = tempFiles({
    'pumphouse.yaml': [
      'source:',
      '  auth: { auth_url: "http://127.0.0.1:5000/v3", username: admin, password: "${SRC_PW}", project_name: "${PROJ:-admin}" }',
      'target:',
      '  auth: { auth_url: "http://127.0.0.1:6000/v3", username: admin, password: "a$${b}", project_name: admin }',
    ].join('\n'),
  });
  try {
    const config = loadConfig(t.path('pumphouse.yaml'), { SRC_PW: 's3cret' });
    assert.equal(config.source.auth.password, 's3cret');
    assert.equal(config.source.auth.project_name, 'admin');
    assert.equal(config.target.auth.password, 'a${b}');
    assert.equal(config.source.auth_type, 'password');
  } finally {
    t.cleanup();
  }
});

test('an unset environment variable is an error at its line and column', () => {
  const t = tempFiles({
    'pumphouse.yaml': 'source:\n  auth:\n    auth_url: http://127.0.0.1:5000/v3\n    username: admin\n    password: ${NOT_SET_ANYWHERE}\ntarget:\n  cloud: x\n',
  });
  try {
    const error = expectError(() => loadConfig(t.path('pumphouse.yaml'), {}), 'PH1105');
    assert.match(error.message, /NOT_SET_ANYWHERE/);
    assert.deepEqual(error.location, { file: t.path('pumphouse.yaml'), line: 5, col: 15 });
    assert.match(error.hint ?? '', /export NOT_SET_ANYWHERE=/);
  } finally {
    t.cleanup();
  }
});

test('a misspelt key points at the key and suggests the right one', () => {
  const t = tempFiles({ 'pumphouse.yaml': 'source:\n  cloud: old\n  regin_name: RegionOne\ntarget:\n  cloud: new\n' });
  try {
    const error = expectError(() => loadConfig(t.path('pumphouse.yaml'), {}), 'PH1107');
    assert.match(error.message, /unknown key "regin_name" in source/);
    assert.match(error.hint ?? '', /did you mean "region_name"/);
    assert.equal(error.location?.line, 3);
    assert.equal(error.location?.col, 3);
  } finally {
    t.cleanup();
  }
});

test('a cloud name that clouds.yaml lacks is named, with the known ones', () => {
  const t = tempFiles({ 'clouds.yaml': CLOUDS, 'pumphouse.yaml': 'clouds_file: clouds.yaml\nsource:\n  cloud: olld\ntarget:\n  cloud: new\n' });
  try {
    const error = expectError(() => loadConfig(t.path('pumphouse.yaml'), {}), 'PH1212');
    assert.match(error.message, /cloud "olld" is not in .*clouds\.yaml/);
    assert.match(error.hint ?? '', /did you mean "old"/);
    assert.deepEqual(error.location, { file: t.path('pumphouse.yaml'), line: 3, col: 10 });
  } finally {
    t.cleanup();
  }
});

test('malformed YAML, in pumphouse.yaml or in clouds.yaml, is located in that file', () => {
  const t = tempFiles({
    'bad.yaml': 'source:\n  cloud: [old\ntarget: {}\n',
    'clouds.yaml': 'clouds:\n  old:\n    auth: {auth_url: x\n',
    'pumphouse.yaml': 'clouds_file: clouds.yaml\nsource:\n  cloud: old\ntarget:\n  cloud: old\n',
  });
  try {
    const own = expectError(() => loadConfig(t.path('bad.yaml'), {}), 'PH1103');
    assert.equal(own.location?.file, t.path('bad.yaml'));
    assert.ok((own.location?.line ?? 0) >= 2, `line ${own.location?.line}`);
    const clouds = expectError(() => loadConfig(t.path('pumphouse.yaml'), {}), 'PH1203');
    assert.equal(clouds.location?.file, t.path('clouds.yaml'));
    assert.match(clouds.message, /clouds\.yaml is not valid YAML/);
  } finally {
    t.cleanup();
  }
});

test('a missing config file says where it looked and what to do', () => {
  const error = expectError(() => loadConfig('/nonexistent/pumphouse.yaml', {}), 'PH1101');
  assert.match(error.message, /\/nonexistent\/pumphouse\.yaml cannot be read: no such file/);
  assert.ok(error.hint);
});

test('hostile input fails fast: binary junk and alias bombs', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]', 'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]', 'source: *h', 'target: *h'].join('\n');
  const t = tempFiles({ 'junk.yaml': Buffer.from([0x73, 0x3a, 0x00, 0xff, 0xfe]), 'bomb.yaml': bomb });
  try {
    expectError(() => loadConfig(t.path('junk.yaml'), {}), 'PH1102');
    const started = Date.now();
    expectError(() => loadConfig(t.path('bomb.yaml'), {}), 'PH1103');
    assert.ok(Date.now() - started < 2000, 'an alias bomb is refused quickly');
  } finally {
    t.cleanup();
  }
});

test('a cloud without a password says where to put one, and never echoes secrets', () => {
  const t = tempFiles({
    'clouds.yaml': CLOUDS,
    'pumphouse.yaml': 'clouds_file: clouds.yaml\nsource:\n  cloud: old\ntarget:\n  cloud: new\n',
  });
  try {
    const error = expectError(() => loadConfig(t.path('pumphouse.yaml'), {}), 'PH1108');
    assert.match(error.message, /source cloud: password auth needs auth.password/);
    assert.match(error.hint ?? '', /secure\.yaml|ENV/);
    assert.doesNotMatch(JSON.stringify({ m: error.message, h: error.hint }), /from-clouds-yaml/);
  } finally {
    t.cleanup();
  }
});

test('samples/config.yaml is valid and documents a working configuration', () => {
  const config = loadConfig('samples/config.yaml', { PUMPHOUSE_TARGET_PASSWORD: 'x', FUEL_PASSWORD: 'f', BMC_PASSWORD: 'b' });
  assert.equal(config.source.cloudName, 'old-cloud');
  assert.equal(config.target.cacert, '/etc/ssl/certs/new-cloud-ca.pem');
  assert.equal(config.settings.timeoutMs, 60_000);
  assert.equal(config.fuel?.environment, 'mos-9');
  assert.equal(config.fuel?.sourceEnvironment, 'old-cloud');
  assert.deepEqual(Object.keys(config.hosts), ['cmp-3', 'cmp-4', 'cmp-5', 'ctl-1']);
  assert.equal(config.hosts['cmp-4']?.bmc?.password, 'b');
  assert.deepEqual(Object.values(config.hosts).map((h) => h.management), ['bmc', 'bmc', 'fuel', 'bmc']);
  assert.deepEqual(config.hosts['cmp-5'], { name: 'cmp-5', management: 'fuel', pxeMacs: [] }, 'a Fuel-managed host needs no BMC and no PXE MAC');
  assert.deepEqual(config.maps, { networks: { public: 'admin_floating_net' } }, 'the default maps of the original API\'s migrations');
});

test('settings.http and settings.serve: limits applied to both clouds; the deadline defaults to twice the timeout', () => {
  const t = tempFiles({
    'clouds.yaml': CLOUDS,
    'secure.yaml': SECURE,
    'a.yaml': 'clouds_file: clouds.yaml\nsource: { cloud: old }\ntarget: { cloud: new }\nsettings:\n  timeout_seconds: 10\n  http: { max_response_bytes: 2048 }\n  serve: { max_connections: 9, plans_kept: 3, plan_max_age_hours: 0.5 }\n',
    'b.yaml': 'clouds_file: clouds.yaml\nsource: { cloud: old }\ntarget: { cloud: new }\nsettings:\n  http: { deadline_seconds: 7.5 }\n',
  });
  try {
    const a = loadConfig(t.path('a.yaml'), {});
    assert.deepEqual(a.settings.http, { maxResponseBytes: 2048, deadlineMs: 20_000 });
    assert.deepEqual(a.settings.serve, { maxConnections: 9, plansKept: 3, planMaxAgeMs: 1_800_000 });
    for (const cloud of [a.source, a.target]) assert.deepEqual([cloud.timeoutMs, cloud.deadlineMs, cloud.maxResponseBytes], [10_000, 20_000, 2048]);
    const b = loadConfig(t.path('b.yaml'), {});
    assert.deepEqual(b.settings.http, { maxResponseBytes: 64 * 1024 * 1024, deadlineMs: 7500 });
    assert.deepEqual(b.settings.serve, { maxConnections: 256, plansKept: 50, planMaxAgeMs: 24 * 3_600_000 });
  } finally {
    t.cleanup();
  }
});

test('fuel and hosts: BMC passwords from ${ENV}, defaults filled, a bad driver located', () => {
  const t = tempFiles({
    'clouds.yaml': CLOUDS,
    'secure.yaml': SECURE,
    'pumphouse.yaml': `clouds_file: clouds.yaml
source: { cloud: old }
target: { cloud: new }
fuel:
  url: http://10.20.0.2:8000/
  password: \${FUEL_PASSWORD}
  environment: mos-9
hosts:
  cmp-3:
    bmc:
      driver: ipmitool
      address: 10.0.0.13
      username: admin
      password: \${BMC_PASSWORD}
      cipher_suite: 17
    pxe_macs: ["52:54:00:AA:00:03"]
  cmp-4:
    bmc: { driver: redfish, address: bmc-4.example.com, username: root, password: "\${BMC_PASSWORD}", verify: false, timeout_seconds: 5 }
`,
    'bad.yaml': 'clouds_file: clouds.yaml\nsource: { cloud: old }\ntarget: { cloud: new }\nhosts:\n  cmp-3:\n    bmc: { driver: ilo, address: x, username: a, password: b }\n',
  });
  try {
    const config = loadConfig(t.path('pumphouse.yaml'), { FUEL_PASSWORD: 'fuel-secret', BMC_PASSWORD: 'bmc-secret' });
    assert.deepEqual(config.fuel, { url: 'http://10.20.0.2:8000', username: 'admin', password: 'fuel-secret', environment: 'mos-9', verify: true, timeoutMs: 60_000, deadlineMs: 120_000, maxResponseBytes: 64 * 1024 * 1024 });
    assert.deepEqual(config.hosts['cmp-3'], {
      name: 'cmp-3', management: 'bmc', pxeMacs: ['52:54:00:aa:00:03'],
      bmc: { driver: 'ipmitool', address: '10.0.0.13', username: 'admin', password: 'bmc-secret', cipherSuite: 17 },
    });
    assert.deepEqual(config.hosts['cmp-4']?.bmc, { driver: 'redfish', address: 'bmc-4.example.com', username: 'root', password: 'bmc-secret', verifyTls: false, timeoutMs: 5000, maxResponseBytes: 64 * 1024 * 1024 });
    const error = expectError(() => loadConfig(t.path('bad.yaml'), {}), 'PH1107');
    assert.equal(error.location?.line, 6);
    assert.match(error.message, /driver/);
  } finally {
    t.cleanup();
  }
});

test('host management: host_management is every host\'s default, an entry overrides it; a Fuel-managed host needs no BMC', () => {
  const t = tempFiles({
    'clouds.yaml': CLOUDS,
    'secure.yaml': SECURE,
    'pumphouse.yaml': `clouds_file: clouds.yaml
source: { cloud: old }
target: { cloud: new }
fuel: { url: http://10.20.0.2:8000, environment: mos-9, source_environment: old-env }
host_management: fuel
hosts:
  cmp-1: {}
  cmp-2:
    management: bmc
    bmc: { driver: redfish, address: bmc-2.example.com, username: root, password: x }
    pxe_macs: ["52:54:00:aa:00:02"]
`,
    'bad.yaml': 'clouds_file: clouds.yaml\nsource: { cloud: old }\ntarget: { cloud: new }\nhost_management: ipmi\n',
  });
  try {
    const config = loadConfig(t.path('pumphouse.yaml'), {});
    assert.equal(config.hostManagement, 'fuel');
    assert.equal(config.fuel?.sourceEnvironment, 'old-env');
    assert.deepEqual(config.hosts['cmp-1'], { name: 'cmp-1', management: 'fuel', pxeMacs: [] });
    assert.equal(config.hosts['cmp-2']?.management, 'bmc');
    assert.deepEqual(['cmp-1', 'cmp-2', 'cmp-9'].map((h) => managementOf(config, h)), ['fuel', 'bmc', 'fuel'], 'a host pumphouse.yaml does not name takes the default');
    const error = expectError(() => loadConfig(t.path('bad.yaml'), {}), 'PH1107');
    assert.equal(error.location?.line, 4);
  } finally {
    t.cleanup();
  }
});
