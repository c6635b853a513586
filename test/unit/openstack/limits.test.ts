import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type Cloud } from '../../../src/openstack/index.js';
import { PumphouseError } from '../../../src/errors.js';
import { FixtureServer } from './fixtures/server.js';
import { FAST_RETRY, fixtureConfig, mountKeystone } from './fixtures/keystone.js';

// The body limit (settings.http.max_response_bytes) applies to answers read into memory, not to
// image data, which is streamed with backpressure whatever its size.

const LIMIT = 1 << 20;

describe('the response body limit', () => {
  let server: FixtureServer;
  let cloud: Cloud;
  before(async () => {
    server = await FixtureServer.start();
    mountKeystone(server);
    const big = Buffer.alloc(3 * LIMIT, 'a');
    server.on('GET', '/image/v2/images/big/file', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': big.length });
      res.end(big);
    });
    server.on('GET', '/compute/v2.1/servers/detail', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"servers": "${'a'.repeat(2 * LIMIT)}"}`);
    });
    cloud = await connect(fixtureConfig(server, { maxResponseBytes: LIMIT }), { retry: FAST_RETRY });
  });
  after(async () => {
    cloud.close();
    await server.close();
  });

  const request = (path: string) => ({ service: 'test', url: `${server.url}${path}`, displayPath: path, okCodes: [200] });

  it('refuses a JSON answer past the limit with PH2132', async () => {
    await assert.rejects(cloud.transport.send({ ...request('/compute/v2.1/servers/detail'), method: 'GET' }), (error: unknown) => error instanceof PumphouseError && error.code === 'PH2132' && /larger than 1048576 bytes/.test(error.message));
  });

  it('streams image data past the limit in full', async () => {
    const res = await cloud.transport.download(request('/image/v2/images/big/file'));
    let bytes = 0;
    for await (const chunk of res.data) bytes += (chunk as Buffer).length;
    assert.equal(bytes, 3 * LIMIT);
  });
});
