// Glance's image members and image-id properties in the simulator, spoken to over plain HTTP with
// the rules of Zed's glance/api/authorization.py: the owner (or an admin) adds and removes
// members, the member (or an admin) sets its status, never the owner alone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../src/simulator/sandbox.js';
import { sandboxUserPassword } from '../../../src/simulator/scenarios/builder.js';
import { login, originOf, sender } from './helpers.js';

const send = sender({ accept: 'application/json' });

describe('simulator glance: members and image ids', () => {
  let sandbox: Sandbox;
  let images: string;
  const tokens: Record<'admin' | 'owner' | 'member' | 'stranger', string> = { admin: '', owner: '', member: '', stranger: '' };
  let goldenId = '';
  let projects: Record<string, string> = {};

  before(async () => {
    sandbox = await startSandbox({ scenario: 'demo', portBase: 0, hardware: false });
    images = `${originOf(sandbox.source)}/image/v2/images`;
    const store = sandbox.clouds.source.store;
    projects = Object.fromEntries(store.projects.all().map((p) => [p.name, p.id]));
    goldenId = store.images.all().find((i) => i.name === 'finance-golden')!.id;
    tokens.admin = (await login(sandbox.source)).token;
    tokens.owner = (await login(sandbox.source, { user: 'dave', password: sandboxUserPassword('dave'), project: 'finance' })).token;
    tokens.member = (await login(sandbox.source, { user: 'alice', password: sandboxUserPassword('alice'), project: 'demo' })).token;
    tokens.stranger = (await login(sandbox.source, { user: 'bob', password: sandboxUserPassword('bob'), project: 'it-ops' })).token;
  });
  after(() => sandbox.stop());

  test('the owner adds a member (pending) and removes it; the member sets its own status; the owner may not', async () => {
    const members = `${images}/${goldenId}/members`;
    const demo = projects['demo']!;
    assert.equal((await send('POST', members, tokens.stranger, { member: demo })).status, 403, 'a member project cannot share the image further');
    const added = await send('POST', members, tokens.owner, { member: demo });
    assert.equal(added.status, 200);
    assert.equal(added.body.status, 'pending');
    assert.equal((await send('POST', members, tokens.owner, { member: demo })).status, 409);

    const one = `${members}/${demo}`;
    const refused = await send('PUT', one, tokens.owner, { status: 'accepted' });
    assert.equal(refused.status, 403);
    // Glance's authorization says 'You cannot update image member X'; its API answers with this.
    assert.match(String(refused.body.message ?? refused.body), /Not allowed to update members for image/);
    assert.equal((await send('PUT', one, tokens.member, { status: 'maybe' })).status, 400);
    const accepted = await send('PUT', one, tokens.member, { status: 'accepted' });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.status, 'accepted');
    assert.equal((await send('GET', one, tokens.member)).body.status, 'accepted');
    assert.equal((await send('GET', one, tokens.stranger)).status, 404, 'another project does not see this membership');

    assert.equal((await send('DELETE', one, tokens.member)).status, 403, 'only the owner or an admin removes a member');
    assert.equal((await send('DELETE', one, tokens.owner)).status, 204);
    assert.equal((await send('GET', one, tokens.admin)).status, 404);
    assert.equal((await send('DELETE', one, tokens.owner)).status, 404);
  });

  test('an admin sets any member status, as apply does on the target', async () => {
    const itOps = `${images}/${goldenId}/members/${projects['it-ops']}`;
    for (const status of ['rejected', 'pending', 'accepted']) {
      const set = await send('PUT', itOps, tokens.admin, { status });
      assert.equal(set.status, 200);
      assert.equal(set.body.status, status);
      assert.equal(set.body.member_id, projects['it-ops']);
    }
  });

  test('kernel_id and ramdisk_id must be image ids (UUIDs); tags come off one by one', async () => {
    const record = { name: 'ami', disk_format: 'ami', container_format: 'ami' };
    const bad = await send('POST', images, tokens.admin, { ...record, kernel_id: 'vmlinuz' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /does not match/);
    const kernel = '0f8e3b1c-5d2a-4e6f-9a7b-1c2d3e4f5a6b';
    const made = await send('POST', images, tokens.admin, { ...record, kernel_id: kernel, tags: ['a', 'b'] });
    assert.equal(made.status, 201);
    assert.equal(made.body.kernel_id, kernel);
    const patch = (ops: unknown) => send('PATCH', `${images}/${made.body.id}`, tokens.admin, ops, { accept: 'application/json', 'content-type': 'application/openstack-images-v2.1-json-patch' });
    assert.equal((await patch([{ op: 'add', path: '/ramdisk_id', value: 'initrd' }])).status, 400);
    const cleared = await patch([{ op: 'remove', path: '/kernel_id' }]);
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.kernel_id, undefined);
    assert.equal((await send('DELETE', `${images}/${made.body.id}/tags/a`, tokens.admin)).status, 204);
    assert.equal((await send('DELETE', `${images}/${made.body.id}/tags/a`, tokens.admin)).status, 404);
    assert.deepEqual((await send('GET', `${images}/${made.body.id}`, tokens.admin)).body.tags, ['b']);
  });
});
