import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { AuthenticationError, connect, OPENSTACK_CODES } from '../../../src/openstack/index.js';
import { PumphouseError } from '../../../src/errors.js';
import { FixtureServer } from './fixtures/server.js';
import { FAST_RETRY, fixtureConfig, mountKeystone, PASSWORD, PROJECT_ID, USER_ID, type KeystoneFixture } from './fixtures/keystone.js';

describe('keystone v3 authentication', () => {
  let server: FixtureServer;
  let keystone: KeystoneFixture;
  before(async () => {
    server = await FixtureServer.start();
    keystone = mountKeystone(server);
  });
  after(() => server.close());

  const lastBody = (): { auth: { identity: Record<string, unknown>; scope?: unknown } } => keystone.authBodies.at(-1) as never;

  it('password: user by name + domain, project by name + domain', async () => {
    const cloud = await connect(fixtureConfig(server));
    assert.deepEqual(lastBody().auth, {
      identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: PASSWORD } } },
      scope: { project: { name: 'admin', domain: { name: 'Default' } } },
    });
    assert.equal(cloud.session.info.project?.id, PROJECT_ID);
    assert.deepEqual(cloud.session.info.roles.map((r) => r.name), ['admin']);
    assert.ok(cloud.session.info.catalog.length > 0);
    cloud.close();
  });

  it('password: user and project by id', async () => {
    const cloud = await connect(fixtureConfig(server, {}, { username: undefined, user_id: USER_ID, project_name: undefined, project_id: PROJECT_ID }));
    assert.deepEqual(lastBody().auth, {
      identity: { methods: ['password'], password: { user: { id: USER_ID, password: PASSWORD } } },
      scope: { project: { id: PROJECT_ID } },
    });
    cloud.close();
  });

  it('password: domain scope, and unscoped when no scope is configured', async () => {
    (await connect(fixtureConfig(server, {}, { project_name: undefined, domain_name: 'Default' }))).close();
    assert.deepEqual(lastBody().auth.scope, { domain: { name: 'Default' } });
    const unscoped = await connect(fixtureConfig(server, {}, { project_name: undefined, project_domain_name: undefined }));
    assert.equal(lastBody().auth.scope, undefined);
    assert.deepEqual(unscoped.session.info.catalog, []);
    // An unscoped token has no catalog: asking for a service says so and how to fix it.
    await assert.rejects(unscoped.compute(), (e: PumphouseError) => e.code === OPENSTACK_CODES.serviceNotInCatalog && /unscoped/.test(e.hint ?? ''));
    unscoped.close();
  });

  it('token auth', async () => {
    const cloud = await connect(fixtureConfig(server, { auth_type: 'token' }, { username: undefined, password: undefined, token: 'tok-given' }));
    assert.deepEqual(lastBody().auth.identity, { methods: ['token'], token: { id: 'tok-given' } });
    cloud.close();
  });

  it('application credential by id, and by name + user (no explicit scope)', async () => {
    const app = { username: undefined, password: undefined, project_name: undefined, application_credential_secret: 'app-secret' };
    (await connect(fixtureConfig(server, { auth_type: 'v3applicationcredential' }, { ...app, application_credential_id: 'ac-1' }))).close();
    assert.deepEqual(lastBody().auth, { identity: { methods: ['application_credential'], application_credential: { id: 'ac-1', secret: 'app-secret' } } });
    (await connect(fixtureConfig(server, { auth_type: 'application_credential' }, { ...app, application_credential_name: 'ci', username: 'admin' }))).close();
    assert.deepEqual(lastBody().auth.identity.application_credential, { name: 'ci', secret: 'app-secret', user: { name: 'admin', domain: { name: 'Default' } } });
  });

  it('wrong password: a clear AuthenticationError that never contains the password', async () => {
    const wrong = 'Wr0ng-Pa55-XYZZY';
    const error = await connect(fixtureConfig(server, {}, { password: wrong }), { retry: FAST_RETRY }).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.code, OPENSTACK_CODES.authFailed);
    assert.equal(error.status, 401);
    assert.equal(error.requestId, 'req-auth-1');
    assert.match(error.message, /^identity POST \/auth\/tokens failed: 401 Unauthorized \(request req-auth-1\): The request you have made requires authentication\.$/);
    assert.match(error.hint ?? '', /user "admin" \(domain Default\)/);
    for (const text of [error.message, error.hint ?? '', JSON.stringify(error), inspect(error, { depth: 10 }), String(error.stack)]) {
      assert.ok(!text.includes(wrong), `password leaked into: ${text.slice(0, 200)}`);
    }
    // No retries for a 4xx.
    assert.equal(keystone.authBodies.filter((b) => JSON.stringify(b).includes(wrong)).length, 1);
  });

  it('incomplete auth config fails before any request', async () => {
    const before = keystone.authBodies.length;
    await assert.rejects(
      connect(fixtureConfig(server, {}, { user_domain_name: undefined })),
      (e: PumphouseError) => e.code === OPENSTACK_CODES.authConfig && /user_domain_name/.test(e.message),
    );
    assert.equal(keystone.authBodies.length, before);
  });
});
