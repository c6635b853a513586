import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/cli.js';
import { findSecrets } from '../../helpers/secret-scan.js';
import type { ApiFixture } from '../../helpers/api-fixtures.js';

// The recorded API responses (test/real/record-api-fixtures.ts) that the model's schemas are
// checked against: every migrated kind, in the documented shape, and nothing secret in them.
const RESPONSES: Record<string, string[]> = {
  domain: ['domain'], project: ['project'], user: ['user'], role: ['role'], 'role-assignment': ['role_assignment'],
  flavor: ['flavor', 'flavor_access', 'extra_specs'], keypair: ['keypair'], image: ['image', 'member'],
  'security-group': ['security_group', 'security_group_rule'], network: ['network'], subnet: ['subnet'], router: ['router'],
  port: ['port'], 'floating-ip': ['floatingip'], 'volume-type': ['volume_type'], volume: ['volume'], 'volume-snapshot': ['snapshot'],
  'server-group': ['server_group'], server: ['server', 'interface_attachment'], quota: ['compute_quota_set', 'network_quota', 'volume_quota_set'],
};
const ROOT = join(REPO_ROOT, 'test', 'fixtures', 'api');

for (const source of ['zed', 'sandbox'] as const) {
  describe(`API fixtures recorded from ${source}`, () => {
    const dir = join(ROOT, source);
    test('one file per migrated kind, each in the documented shape', () => {
      assert.ok(existsSync(dir), `${dir} is missing: record it with test/real/record-api-fixtures.ts`);
      assert.deepEqual(readdirSync(dir).sort(), Object.keys(RESPONSES).map((k) => `${k}.json`).sort());
      for (const [kind, names] of Object.entries(RESPONSES)) {
        const fixture = JSON.parse(readFileSync(join(dir, `${kind}.json`), 'utf8')) as ApiFixture;
        assert.equal(fixture.kind, kind);
        assert.equal(fixture.source, source);
        assert.deepEqual(Object.keys(fixture.responses).sort(), [...names].sort(), kind);
        assert.ok(fixture.responses[names[0]!]!.length > 0, `${kind}: no ${names[0]} recorded`);
        for (const [name, items] of Object.entries(fixture.responses)) {
          for (const item of items) assert.ok(item && typeof item === 'object' && !Array.isArray(item), `${kind}.${name}: raw objects`);
        }
      }
    });

    test('objects are as the API returns them: the inner object, with its id', () => {
      const servers = (JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')) as ApiFixture).responses['server']!;
      for (const server of servers) {
        assert.equal(typeof server['id'], 'string');
        assert.ok(!('server' in server), 'not the {"server": {...}} envelope');
        assert.ok('OS-EXT-STS:power_state' in server && 'flavor' in server);
      }
    });

    test('nothing in them looks secret', () => {
      for (const file of readdirSync(dir)) {
        const fixture = JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
        assert.deepEqual(findSecrets(fixture, ['password', 'alice-pw-not-secret', 'bob-pw-not-secret', 'ks-owner-pw-not-secret', 'sandbox-admin-password']), [], file);
      }
    });
  });
}

describe('the secret scan of recorded responses', () => {
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  test('finds a password field, a token, a private key, user data setting a password and a known secret, saying where', () => {
    const findings = findSecrets({
      user: { name: 'x', password: 'hunter2', password_expires_at: null, options: { ignore_password_expiry: true } },
      auth: { note: `gAAAAAB${'x'.repeat(80)}` },
      keypair: { public_key: 'ssh-ed25519 AAAA', private_key: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc' },
      server: { 'OS-EXT-SRV-ATTR:user_data': base64('#cloud-config\nchpasswd:\n  list: root:x\n') },
      description: 'the-cloud-password',
    }, ['the-cloud-password']);
    assert.deepEqual(findings.map((f) => f.path).sort(), [
      '$.auth.note', '$.description', '$.keypair.private_key', '$.keypair.private_key', '$.server.OS-EXT-SRV-ATTR:user_data', '$.user.password',
    ]);
    assert.ok(findings.every((f) => !f.reason.includes('hunter2')), 'a finding never repeats the value');
  });

  test('leaves what only sounds secret: expiry dates, null private keys, public keys, plain user data', () => {
    assert.deepEqual(findSecrets({
      password_expires_at: '2030-01-01T00:00:00Z', private_key: null, public_key: 'ssh-ed25519 AAAA x',
      'OS-EXT-SRV-ATTR:user_data': base64('#cloud-config\nhostname: web\n'), options: { lock_password: false },
    }), []);
  });
});
