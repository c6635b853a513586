import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { RecordingSink } from '../../../src/events/sink.js';
import { connect, redact, Redactor } from '../../../src/openstack/index.js';
import { FixtureServer, json } from './fixtures/server.js';
import { FAST_RETRY, fixtureConfig, mountKeystone, PASSWORD, type KeystoneFixture } from './fixtures/keystone.js';

describe('redaction', () => {
  it('masks token headers, secret fields and known secrets', () => {
    assert.equal(redact('X-Auth-Token: gAAAAB123 next'), 'X-Auth-Token: *** next');
    assert.equal(redact('{"x-subject-token":"gAAAAB123"}'), '{"x-subject-token":"***"}');
    assert.equal(redact('{"password": "hunter2", "name": "bob"}'), '{"password": "***", "name": "bob"}');
    assert.equal(redact('secret=abc&user=x'), 'secret=***&user=x');
    assert.equal(redact('application_credential_secret: s3'), 'application_credential_secret: ***');
    // Structure is kept readable.
    assert.equal(redact('{"token": {"id": "x"}}'), '{"token": {"id": "x"}}');
    assert.equal(redact('failed for pw hunter2 and hunter22', ['hunter2', 'hunter22']), 'failed for pw *** and ***');
    const r = new Redactor(['one', undefined, '']);
    r.add('two');
    assert.equal(r.redact('one two three'), '*** *** three');
  });

  describe('no secret reaches an error or an event', () => {
    let server: FixtureServer;
    let keystone: KeystoneFixture;
    before(async () => {
      server = await FixtureServer.start();
      keystone = mountKeystone(server);
    });
    after(() => server.close());

    it('a service that echoes the token and password back', async () => {
      const sink = new RecordingSink();
      const cloud = await connect(fixtureConfig(server), { events: sink, retry: { ...FAST_RETRY, maxRetries: 1 } });
      const token = keystone.token;
      server.on('GET', '/network/v2.0/secrets', (_req, res) =>
        json(res, 500, { NeutronError: { type: 'X', message: `Could not validate token: ${token}; password was ${PASSWORD}`, detail: '' } }));
      const error = (await (await cloud.network()).get(`secrets`, { query: { q: token } }).catch((e: unknown) => e)) as Error;
      const texts = [error.message, (error as { hint?: string }).hint ?? '', JSON.stringify(error), inspect(error, { depth: 10 }), JSON.stringify(sink.events)];
      for (const text of texts) {
        assert.ok(!text.includes(token), `token leaked: ${text.slice(0, 300)}`);
        assert.ok(!text.includes(PASSWORD), `password leaked: ${text.slice(0, 300)}`);
      }
      assert.match(error.message, /Could not validate token: \*\*\*; password was \*\*\*/);
      assert.ok(sink.ofType('http_retry').length === 1);
      cloud.close();
    });
  });
});
