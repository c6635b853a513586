import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import { DEMO_APP_CREDENTIAL_SECRET } from '../../../src/simulator/scenarios/demo.js';
import { sandboxUserPassword } from '../../../src/simulator/scenarios/builder.js';
import { getJson, login, originOf } from './helpers.js';

describe('simulator keystone', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ scenario: 'demo', portBase: 0 });
  });
  after(async () => {
    await sandbox.stop();
  });

  test('password auth issues a project token with catalog, roles, project and user', async () => {
    const { status, token, body } = await login(sandbox.source);
    assert.equal(status, 201);
    assert.match(token, /^gAAAAA/);
    const t = body.token as any;
    assert.deepEqual(t.methods, ['password']);
    assert.equal(t.project.name, 'admin');
    assert.equal(t.user.name, 'admin');
    assert.ok(t.roles.some((r: any) => r.name === 'admin'));
    assert.match(t.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const types = (t.catalog as any[]).map((s) => s.type).sort();
    assert.deepEqual(types, ['block-storage', 'compute', 'identity', 'image', 'network', 'volumev3']);
  });

  test('every catalog URL reaches this server and answers its version document', async () => {
    const { body } = await login(sandbox.source);
    const origin = originOf(sandbox.source);
    for (const service of body.token['catalog'] as any[]) {
      assert.equal(service.endpoints.length, 3, `${service.type}: public, internal and admin`);
      assert.deepEqual(service.endpoints.map((e: any) => e.interface).sort(), ['admin', 'internal', 'public']);
      for (const e of service.endpoints) {
        assert.ok(e.url.startsWith(`${origin}/`), e.url);
        assert.equal(e.region_id, 'RegionOne');
      }
      const url = service.endpoints[0].url.replace(/\/v3\/[0-9a-f]{32}$/, '/');
      const res = await fetch(url);
      assert.ok([200, 300].includes(res.status), `${url} → ${res.status}`);
      assert.ok(res.headers.get('x-openstack-request-id')?.startsWith('req-'));
    }
  });

  test('the volume endpoints carry the token project id', async () => {
    const { body } = await login(sandbox.source);
    const project = (body.token['project'] as any).id;
    const cinder = (body.token['catalog'] as any[]).find((s) => s.type === 'volumev3');
    assert.equal(cinder.endpoints[0].url, `${originOf(sandbox.source)}/volume/v3/${project}`);
  });

  test('wrong password: 401 with Keystone\'s body and WWW-Authenticate', async () => {
    const { status, token, body } = await login(sandbox.source, { password: 'wrong' });
    assert.equal(status, 401);
    assert.equal(token, '');
    assert.deepEqual(body, { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });
  });

  test('a token expires after the configured TTL (401 afterwards, on every service)', async () => {
    const short = await startSandbox({ scenario: 'small', portBase: 0, tokenTtlSeconds: 0.3 });
    try {
      const { token, body } = await login(short.source);
      const issued = Date.parse(String(body.token['issued_at']));
      const expires = Date.parse(String(body.token['expires_at']));
      assert.ok(Math.abs(expires - issued - 300) <= 1, `expires_at − issued_at = ${expires - issued} ms`);
      const origin = originOf(short.source);
      assert.equal((await getJson(`${origin}/compute/v2.1/servers`, token)).status, 200);
      await new Promise((r) => setTimeout(r, 400));
      const nova = await getJson(`${origin}/compute/v2.1/servers`, token);
      assert.equal(nova.status, 401);
      assert.deepEqual(nova.body, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
      const ks = await getJson(`${origin}/identity/v3/projects`, token);
      assert.equal(ks.status, 401);
      assert.equal(ks.body.error.title, 'Unauthorized');
      assert.equal((await getJson(`${origin}/network/v2.0/networks`, token)).status, 401);
    } finally {
      await short.stop();
    }
  });

  test('the TTL can be changed at run time through the fault control route', async () => {
    const origin = originOf(sandbox.target);
    const res = await fetch(`${origin}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ tokenTtlSeconds: 5 }) });
    assert.equal(res.status, 200);
    const { body } = await login(sandbox.target);
    const ttl = Date.parse(String(body.token['expires_at'])) - Date.parse(String(body.token['issued_at']));
    assert.equal(ttl, 5000);
    await fetch(`${origin}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ reset: true }) });
  });

  test('validate (GET /v3/auth/tokens) returns the token; an unknown one is 404', async () => {
    const { token } = await login(sandbox.source);
    const ok = await getJson(`${sandbox.source.authUrl}/auth/tokens`, token, { 'x-subject-token': token });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-subject-token'), token);
    const bad = await getJson(`${sandbox.source.authUrl}/auth/tokens`, token, { 'x-subject-token': 'nope' });
    assert.equal(bad.status, 404);
    assert.equal(bad.body.error.code, 404);
  });

  test('re-scoping with the token method keeps the expiry; unscoped tokens have no catalog', async () => {
    const unscoped = await login(sandbox.source, { project: null, user: 'bob', password: sandboxUserPassword('bob') });
    assert.equal(unscoped.status, 201);
    // bob has a default project with a role, so no explicit scope scopes to it.
    assert.equal((unscoped.body.token['project'] as any)?.name, 'demo');
    const res = await fetch(`${sandbox.source.authUrl}/auth/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['token'], token: { id: unscoped.token } }, scope: { project: { name: 'it-ops', domain: { id: 'default' } } } } }),
    });
    assert.equal(res.status, 201);
    const body = (await res.json()) as any;
    assert.equal(body.token.project.name, 'it-ops');
    assert.equal(body.token.expires_at, unscoped.body.token['expires_at']);
    const explicit = await fetch(`${sandbox.source.authUrl}/auth/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['token'], token: { id: unscoped.token } }, scope: 'unscoped' } }),
    });
    const plain = (await explicit.json()) as any;
    assert.equal(plain.token.catalog, undefined);
    assert.equal(plain.token.project, undefined);
  });

  test('a user without a role on the project cannot scope to it', async () => {
    const res = await login(sandbox.source, { user: 'alice', password: sandboxUserPassword('alice'), project: 'finance' });
    assert.equal(res.status, 401);
  });

  test('application credentials authenticate and scope to their project', async () => {
    const res = await fetch(`${sandbox.source.authUrl}/auth/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['application_credential'], application_credential: { name: 'ci-deployer', secret: DEMO_APP_CREDENTIAL_SECRET, user: { name: 'alice', domain: { name: 'Default' } } } } } }),
    });
    assert.equal(res.status, 201);
    const body = (await res.json()) as any;
    assert.equal(body.token.project.name, 'demo');
    assert.equal(body.token.application_credential.name, 'ci-deployer');
    const wrong = await fetch(`${sandbox.source.authUrl}/auth/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['application_credential'], application_credential: { id: body.token.application_credential.id, secret: 'nope' } } } }),
    });
    assert.equal(wrong.status, 401);
  });

  test('admins list projects, users and role assignments; members get 403', async () => {
    const admin = await login(sandbox.source);
    const projects = await getJson(`${sandbox.source.authUrl}/projects`, admin.token);
    assert.deepEqual(projects.body.projects.map((p: any) => p.name), ['admin', 'service', 'demo', 'it-ops', 'finance', 'acme', 'pumphouse-1']);
    const withNames = await getJson(`${sandbox.source.authUrl}/role_assignments?include_names&scope.project.id=${projects.body.projects[2].id}`, admin.token);
    assert.deepEqual(withNames.body.role_assignments.map((a: any) => `${a.user.name}:${a.role.name}@${a.scope.project.name}`).sort(), ['alice:member@demo', 'bob:member@demo']);

    const alice = await login(sandbox.source, { user: 'alice', password: sandboxUserPassword('alice'), project: 'demo' });
    for (const path of ['projects', 'users', 'role_assignments']) {
      const res = await getJson(`${sandbox.source.authUrl}/${path}`, alice.token);
      assert.equal(res.status, 403, path);
      assert.equal(res.body.error.title, 'Forbidden');
      assert.match(res.body.error.message, /^You are not authorized to perform the requested action: identity:list_/);
    }
    const own = await getJson(`${sandbox.source.authUrl}/auth/projects`, alice.token);
    assert.deepEqual(own.body.projects.map((p: any) => p.name), ['demo']);
    const users = await getJson(`${sandbox.source.authUrl}/users`, admin.token);
    for (const u of users.body.users) assert.equal(u.password, undefined, 'passwords are never rendered');
  });
});
