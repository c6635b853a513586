import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { PumphouseConfig } from '../../../src/config/load.js';
import { startApiServer } from '../../../src/server/server.js';
import { tempFiles } from '../../helpers/tmp.js';

// Plans posted to the API: the paths they name stay in the server's own folder (the state file's).
// A plan whose passwords file lies elsewhere is refused before any cloud is asked (the config
// below names none that answers), so a client cannot make the server write where it pleases.

const CONFIG = { hosts: {}, settings: { timeoutMs: 1000, discovery: { concurrency: 1, pageSize: 10 } } } as unknown as PumphouseConfig;
const TOKEN = 'plans-token-0123456789';

function plan(passwordsFile?: string): string {
  return `apiVersion: pumphouse/v1
kind: MigrationPlan
metadata: { name: wave }
spec:
  identity:
    projects: [demo]
${passwordsFile === undefined ? '' : `    passwordsFile: ${JSON.stringify(passwordsFile)}\n`}`;
}

function post(url: string, body: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/plans`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/yaml' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('a posted plan\'s passwords file outside the server\'s folder is a 400 naming the field; nothing is written there', async () => {
  const files = tempFiles({});
  const server = await startApiServer({ config: CONFIG, statePath: files.path('srv/state.json'), host: '127.0.0.1', port: 0, token: TOKEN });
  try {
    for (const path of ['../../escaped.yaml', join(files.dir, 'absolute.yaml'), '/etc/pumphouse-test.yaml']) {
      const answer = await post(server.url, plan(path));
      assert.equal(answer.status, 400, `${path}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'PH4014');
      assert.match(answer.body.error.message, /spec\.identity\.passwordsFile/);
      assert.match(answer.body.error.hint, /srv/);
    }
    assert.equal(existsSync(files.path('escaped.yaml')), false);
    assert.equal(existsSync(files.path('absolute.yaml')), false);
    // Inside the folder it passes the check (and then fails only for want of a cloud).
    const inside = await post(server.url, plan('../wave.passwords.yaml'));
    assert.notEqual(inside.body.error?.code, 'PH4014', JSON.stringify(inside.body));
    const byDefault = await post(server.url, plan());
    assert.notEqual(byDefault.body.error?.code, 'PH4014', JSON.stringify(byDefault.body));
  } finally {
    await server.close();
    files.cleanup();
  }
});
