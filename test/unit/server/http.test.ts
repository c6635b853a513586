import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { httpStatusOf, InternalError, PumphouseError } from '../../../src/errors.js';
import { sendError } from '../../../src/server/http.js';

test('engine errors reaching the API get the status of whose problem they are, from the registry', () => {
  assert.equal(httpStatusOf('PH1710'), 409, 'the state is held by another apply');
  assert.equal(httpStatusOf('PH1304'), 400, 'a plan file error');
  assert.equal(httpStatusOf('PH1410'), 400, 'a selection error');
  assert.equal(httpStatusOf('PH1602'), 409, 'a stale plan: the clouds changed since it was made');
  assert.equal(httpStatusOf('PH2101'), 502, 'a cloud refused us');
  assert.equal(httpStatusOf('PH1802'), 502, 'a BMC did not answer');
  assert.equal(httpStatusOf('PH1907'), 502, 'Fuel is unreachable');
  assert.equal(httpStatusOf('PH1702'), 500, 'a damaged state file is the server\'s own problem');
  assert.equal(httpStatusOf('PH4001'), 401, 'no token');
  assert.equal(httpStatusOf('PH4005'), 413, 'a body too large');
});

/** What sendError wrote: the status and the parsed body. */
function sent(error: unknown): { status: number; body: { error: Record<string, unknown> } } {
  let status = 0;
  let text = '';
  const res = {
    headersSent: false,
    writeHead(s: number) {
      status = s;
      return this;
    },
    end(t: string) {
      text = t;
    },
  } as unknown as ServerResponse;
  sendError(res, error);
  return { status, body: JSON.parse(text) };
}

test('an API error body is the common problem shape with the status of its code', () => {
  const { status, body } = sent(new PumphouseError('PH4002', 'no apply "x"', { hint: 'GET /v1/applies lists them' }));
  assert.equal(status, 404);
  assert.deepEqual(body, { error: { status: 404, code: 'PH4002', message: 'no apply "x"', hint: 'GET /v1/applies lists them' } });
});

test('a bug answers 500 with its code and message; a foreign error answers PH4099 with no detail', () => {
  assert.equal(sent(new InternalError('broken')).body.error['code'], 'PH0001');
  const foreign = sent(new TypeError('secret detail'));
  assert.equal(foreign.status, 500);
  assert.equal(foreign.body.error['code'], 'PH4099');
  assert.doesNotMatch(String(foreign.body.error['message']), /secret detail/);
});
