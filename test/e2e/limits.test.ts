import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { hasStackTrace, runCli } from '../helpers/cli.js';
import { hostileServer } from '../helpers/hostile.js';
import { tempFiles } from '../helpers/tmp.js';

// `pumphouse clouds` against a hostile Keystone on loopback, started here: one that streams an
// endless answer, and one that sends a byte now and then and never finishes. Each is cut off by
// pumphouse.yaml's limits (settings.http.max_response_bytes, settings.http.deadline_seconds)
// instead of eating memory or time without end.

function configFor(url: string): string {
  const cloud = `{ auth: { auth_url: "${url}", username: admin, password: pw, project_name: admin, user_domain_name: Default, project_domain_name: Default } }`;
  return `source: ${cloud}\ntarget: ${cloud}\nsettings:\n  timeout_seconds: 2\n  http: { max_response_bytes: 1048576, deadline_seconds: 3 }\n`;
}

describe('limits on what a cloud can make pumphouse wait for or hold', () => {
  const files = tempFiles({});
  after(() => files.cleanup());

  test('an endless answer is cut at settings.http.max_response_bytes (PH2132), not read into memory', { timeout: 60_000 }, async () => {
    const keystone = await hostileServer('flood', { status: 201, headers: { 'x-subject-token': 'hostile' } });
    try {
      writeFileSync(files.path('flood.yaml'), configFor(`${keystone.url}/v3`));
      const started = Date.now();
      const run = await runCli(['--config', files.path('flood.yaml'), 'clouds'], { timeoutMs: 50_000 });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /PH2132.*larger than 1048576 bytes/);
      assert.match(run.stderr, /settings\.http\.max_response_bytes/);
      assert.ok(!hasStackTrace(run.stderr));
      assert.ok(Date.now() - started < 30_000);
      assert.ok(keystone.sentBytes() < 32 * 1024 * 1024, `the connection was closed early: ${keystone.sentBytes()} bytes sent`);
    } finally {
      await keystone.close();
    }
  });

  test('a Keystone that trickles a byte at a time is given up on at settings.http.deadline_seconds (PH2012), retries included', { timeout: 60_000 }, async () => {
    const keystone = await hostileServer('trickle', { status: 201, headers: { 'x-subject-token': 'hostile' } });
    try {
      writeFileSync(files.path('trickle.yaml'), configFor(`${keystone.url}/v3`));
      const started = Date.now();
      const run = await runCli(['--config', files.path('trickle.yaml'), 'clouds'], { timeoutMs: 50_000 });
      const seconds = (Date.now() - started) / 1000;
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /PH2012/);
      assert.match(run.stderr, /deadline/);
      assert.ok(seconds < 8, `gave up after ${seconds} s (deadline 3 s, plus the CLI's start)`);
    } finally {
      await keystone.close();
    }
  });
});

