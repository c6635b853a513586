import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, isNotFound, isStatus, HttpError, parseErrorMessage, type Cloud } from '../../../src/openstack/index.js';
import { FixtureServer, json } from './fixtures/server.js';
import { FAST_RETRY, fixtureConfig, mountKeystone } from './fixtures/keystone.js';

describe('error bodies of each service', () => {
  it('nova / cinder: {"<faultName>": {code, message}}', () => {
    assert.equal(parseErrorMessage({ itemNotFound: { code: 404, message: 'Instance x could not be found.' } }), 'Instance x could not be found.');
    assert.equal(parseErrorMessage('{"overLimit": {"code": 413, "message": "Volume quota exceeded", "retryAfter": "0"}}'), 'Volume quota exceeded');
  });
  it('keystone: {"error": {code, title, message}}', () => {
    assert.equal(parseErrorMessage({ error: { code: 404, title: 'Not Found', message: 'Could not find project: x.' } }), 'Could not find project: x.');
  });
  it('neutron: {"NeutronError": {type, message, detail}}', () => {
    assert.equal(parseErrorMessage({ NeutronError: { type: 'NetworkNotFound', message: 'Network x could not be found.', detail: '' } }), 'Network x could not be found.');
  });
  it('glance / webob: an HTML page (the h1 status line is dropped)', () => {
    const page = '<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image found with ID nonexist<br /><br />\n\n\n\n </body>\n</html>';
    assert.equal(parseErrorMessage(page), 'No image found with ID nonexist');
    // What a real Zed glance answers to Accept: application/json.
    assert.equal(parseErrorMessage({ message: 'No image found with ID nonexist<br /><br />\n\n\n', code: '404 Not Found', title: 'Not Found' }), 'No image found with ID nonexist');
  });
  it('placement: {"errors": [{title, detail}]}', () => {
    assert.equal(parseErrorMessage({ errors: [{ status: 404, title: 'Not Found', detail: 'No resource provider with uuid x found', request_id: 'r' }] }), 'Not Found: No resource provider with uuid x found');
  });
  it('plain text and nothing useful', () => {
    assert.equal(parseErrorMessage('Service Unavailable\n'), 'Service Unavailable');
    assert.equal(parseErrorMessage(''), undefined);
    assert.equal(parseErrorMessage({ whatever: 1, other: 2 }), undefined);
  });
});

describe('HttpError', () => {
  let server: FixtureServer;
  let cloud: Cloud;
  before(async () => {
    server = await FixtureServer.start();
    mountKeystone(server);
    cloud = await connect(fixtureConfig(server), { retry: { ...FAST_RETRY, maxRetries: 0 } });
  });
  after(async () => {
    cloud.close();
    await server.close();
  });

  it('message: service, method, path+query, status, request id, server message; plus a hint', async () => {
    server.on('GET', '/compute/v2.1/servers/detail', (_req, res) =>
      json(res, 503, { computeFault: { code: 503, message: 'nova-conductor is not answering' } }, { 'x-compute-request-id': 'req-7f3a' }));
    const error = await (await cloud.compute()).get('servers/detail', { query: { all_tenants: 1 } }).catch((e: unknown) => e);
    assert.ok(error instanceof HttpError);
    assert.equal(error.message, 'compute GET /servers/detail?all_tenants=1 failed: 503 Service Unavailable (request req-7f3a): nova-conductor is not answering');
    assert.match(error.hint ?? '', /look for the request id in its logs/);
    assert.deepEqual([error.service, error.method, error.status, error.expected, error.requestId], ['compute', 'GET', 503, [200], 'req-7f3a']);
    assert.equal(error.url, `${server.url}/compute/v2.1/servers/detail?all_tenants=1`);
  });

  it('uses the standard reason phrase whatever the service sends (keystone: "NOT FOUND")', async () => {
    server.on('GET', '/v3/projects/nope', (_req, res) => {
      res.writeHead(404, 'NOT FOUND', { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 404, title: 'Not Found', message: 'Could not find project: nope.' } }));
    });
    await assert.rejects((await cloud.identity()).get('projects/nope'), (e: Error) => e.message === 'identity GET /projects/nope failed: 404 Not Found: Could not find project: nope.');
  });

  it('isNotFound / isStatus, with x-openstack-request-id', async () => {
    server.on('GET', '/network/v2.0/networks/nope', (_req, res) =>
      json(res, 404, { NeutronError: { type: 'NetworkNotFound', message: 'Network nope could not be found.', detail: '' } }, { 'x-openstack-request-id': 'req-n1' }));
    const error = await (await cloud.network()).get('networks/nope').catch((e: unknown) => e);
    assert.ok(isNotFound(error));
    assert.ok(isStatus(error, 404) && !isStatus(error, 409));
    assert.equal((error as HttpError).requestId, 'req-n1');
    assert.match((error as Error).message, /network GET \/networks\/nope failed: 404 Not Found \(request req-n1\): Network nope could not be found\./);
  });
});
