import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { authSecrets, SecretGuard } from '../../../src/state/secrets.js';

const check = (guard: SecretGuard, document: unknown) => guard.find(document, JSON.stringify(document));

describe('state secret guard', () => {
  test('finds a long secret inside any string, escaped or not, and points at it', () => {
    const secret = 'p@ss"word\\with-quotes';
    const guard = new SecretGuard([secret]);
    assert.deepEqual(check(guard, { steps: { 'create:user:demo/bob': { error: { message: `400 Bad Request: ${secret}` } } } }), {
      pointer: '/steps/create:user:demo~1bob/error/message',
      what: 'a known secret',
    });
    assert.equal(check(guard, { steps: { a: { error: { message: 'p@ss"word' } } } }), undefined, 'a part of it is not it');
  });

  test('a short secret counts only as a whole value, so "admin" does not refuse "admin-net"', () => {
    const guard = new SecretGuard(['admin', '']);
    assert.equal(check(guard, { mappings: { 'network:admin/admin-net': 'n-1' } }), undefined);
    assert.deepEqual(check(guard, { steps: { x: { checkpoint: { password: 'admin' } } } }), { pointer: '/steps/x/checkpoint/password', what: 'a known secret' });
  });

  test('keys are checked too', () => {
    const guard = new SecretGuard(['s3cr3t-application-credential']);
    assert.equal(check(guard, { mappings: { 'user:s3cr3t-application-credential': 'u-1' } })?.pointer, '/mappings/user:s3cr3t-application-credential');
  });

  test('a Keystone Fernet token is refused even when nobody said it was a secret', () => {
    const token = `gAAAAABl${'x1_Y-'.repeat(40)}`;
    assert.deepEqual(check(new SecretGuard([]), { steps: { s: { error: { message: `X-Auth-Token: ${token}` } } } }), { pointer: '/steps/s/error/message', what: 'a Keystone token' });
    assert.equal(check(new SecretGuard([]), { steps: { s: { status: 'done', attempts: 1 } }, mappings: { 'image:demo/cirros': '6f1b0c8e-7a4e-4a55-9d5f-1c2b3a4d5e6f' } }), undefined);
  });

  test('authSecrets takes the password, token and application credential secret of each cloud', () => {
    assert.deepEqual(authSecrets(
      { auth: { password: 'source-pass', token: '' } },
      { auth: { application_credential_secret: 'target-appcred' } },
    ), ['source-pass', 'target-appcred']);
  });
});
