import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusOfEngineError } from '../../../src/server/http.js';

test('engine errors reaching the API get the status of whose problem they are', () => {
  assert.equal(statusOfEngineError('PH1710'), 409, 'the state is held by another apply');
  assert.equal(statusOfEngineError('PH1304'), 400, 'a plan file error');
  assert.equal(statusOfEngineError('PH1410'), 400, 'a selection error');
  assert.equal(statusOfEngineError('PH1602'), 400, 'a stale plan');
  assert.equal(statusOfEngineError('PH2101'), 502, 'a cloud refused us');
  assert.equal(statusOfEngineError('PH1802'), 502, 'a BMC did not answer');
  assert.equal(statusOfEngineError('PH1907'), 502, 'Fuel is unreachable');
  assert.equal(statusOfEngineError('PH1702'), 500, 'a damaged state file is the server\'s own problem');
});
