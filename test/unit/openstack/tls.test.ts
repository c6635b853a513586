import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { RecordingSink } from '../../../src/events/sink.js';
import { connect, HttpConnectionError, OPENSTACK_CODES } from '../../../src/openstack/index.js';
import { PumphouseError } from '../../../src/errors.js';
import { tempFiles } from '../../helpers/tmp.js';
import { FixtureServer } from './fixtures/server.js';
import { fixtureConfig, mountKeystone } from './fixtures/keystone.js';

/** A throwaway CA and a server certificate for 127.0.0.1 signed by it, made with the openssl CLI. */
function makeCertificates(dir: string): { ca: string; key: string; cert: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=pumphouse test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1\\n" > san.ext'], { cwd: dir });
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'san.ext');
  return { ca: `${dir}/ca.pem`, key: `${dir}/server.key`, cert: `${dir}/server.pem` };
}

describe('TLS', () => {
  const tmp = tempFiles({});
  let server: FixtureServer;
  let ca: string;
  before(async () => {
    const files = makeCertificates(tmp.dir);
    ca = files.ca;
    server = await FixtureServer.start({ key: readFileSync(files.key), cert: readFileSync(files.cert) });
    mountKeystone(server);
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  it('verifies the endpoint with the cloud\'s CA bundle', async () => {
    const sink = new RecordingSink();
    const cloud = await connect(fixtureConfig(server, { cacert: ca }), { events: sink });
    assert.equal((await cloud.compute()).microversion, '2.87');
    assert.deepEqual(sink.ofType('warning'), []);
    cloud.close();
  });

  it('without the CA bundle the handshake fails with a TLS error and a hint', async () => {
    const error = await connect(fixtureConfig(server), { retry: { maxRetries: 0 } }).catch((e: unknown) => e);
    assert.ok(error instanceof HttpConnectionError);
    assert.equal(error.failure, 'tls');
    assert.equal(error.code, OPENSTACK_CODES.tlsFailure);
    assert.ok(error.message.includes(`${server.url}/v3/auth/tokens`));
    assert.match(error.hint ?? '', /cacert/);
  });

  it('verify: false connects and warns loudly, on every connect', async () => {
    const sink = new RecordingSink();
    for (let i = 0; i < 2; i++) (await connect(fixtureConfig(server, { verify: false }), { events: sink })).close();
    const warnings = sink.ofType('warning');
    assert.equal(warnings.length, 2);
    assert.equal(warnings[0]?.data.code, OPENSTACK_CODES.tlsVerifyDisabled);
    assert.equal(warnings[0]?.level, 'warn');
    assert.match(warnings[0]?.message ?? '', /DISABLED for cloud "fixture"/);
  });

  it('an unreadable CA bundle is a clear error', async () => {
    await assert.rejects(connect(fixtureConfig(server, { cacert: `${tmp.dir}/missing.pem` })), (e: PumphouseError) =>
      e.code === OPENSTACK_CODES.caBundleUnreadable && e.message.includes('missing.pem'));
  });
});
