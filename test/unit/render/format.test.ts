import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { hasChanges, type PlanSummary } from '../../../src/execution-plan/plan.js';
import { clock, copyProgress, formatBytes, formatDuration, summaryLine } from '../../../src/render/format.js';
import { repoPath } from '../../../src/schemas.js';
import { serveStatic } from '../../../src/server/static.js';

// The formatters the terminal, Markdown and the dashboard share, and how the dashboard gets them.

const none: PlanSummary = { create: 0, update: 0, migrate: 0, conflict: 0, noop: 3, hostsToUpgrade: 0, hostChanges: 0, bytes: 0, downtimeSeconds: 0, worstImpact: 'none' };
const error = { severity: 'error' as const, code: 'PH1201' as const, message: 'no project matches it' };

describe('formatters', () => {
  test('bytes, durations and clocks', () => {
    assert.deepEqual([0, 512, 1536, 312 * 2 ** 20, 2 * 2 ** 40].map(formatBytes), ['0 B', '512 B', '1.5 KiB', '312.0 MiB', '2.0 TiB']);
    assert.deepEqual([0, 0.2, 8.8, 45, 185, 3720].map(formatDuration), ['0s', '0.2s', '8.8s', '45s', '3m05s', '1h02m']);
    assert.deepEqual([9_400, 185_000, 3_720_000, -5].map(clock), ['9 s', '3 m 05 s', '1 h 02 m', '0 s']);
  });

  test('a copy\'s progress says as much as is known', () => {
    assert.equal(copyProgress({ bytes: 300 * 2 ** 20, totalBytes: 2 ** 30, bytesPerSecond: 50 * 2 ** 20, etaSeconds: 15 }), '300.0 MiB of 1.0 GiB at 50.0 MiB/s, 15 s left');
    assert.equal(copyProgress({ bytes: 2048 }), '2.0 KiB');
  });

  test('the verdict: "No changes." exactly when the plan has none, and no plan at all with errors', () => {
    const plans = [
      { summary: none, diagnostics: [] },
      { summary: { ...none, create: 2, migrate: 1, hostChanges: 1, hostsToUpgrade: 1 }, diagnostics: [] },
      { summary: { ...none, conflict: 1 }, diagnostics: [] },
      { summary: none, diagnostics: [error, error] },
    ];
    assert.deepEqual(plans.map(summaryLine), [
      'No changes.',
      'Plan: 2 to create, 0 to update, 1 to migrate, 1 host to upgrade.',
      'Plan: 0 to create, 0 to update, 0 to migrate, 0 hosts to upgrade. 1 conflict to resolve first.',
      'No plan: 2 errors to fix first.',
    ]);
    for (const plan of plans) assert.equal(summaryLine(plan).startsWith('Plan:'), hasChanges(plan), 'it agrees with hasChanges');
  });
});

describe('the dashboard\'s copy of them', () => {
  /** What serveStatic answers for `path`: status, content type and body. */
  function get(path: string): { type: string; body: string } {
    let type = '';
    let body = '';
    const res = {
      writeHead: (_status: number, headers: Record<string, string>) => (type = headers['content-type'] ?? ''),
      end: (data: Buffer) => (body = data.toString('utf8')),
    } as unknown as ServerResponse;
    serveStatic(res, path);
    return { type, body };
  }

  test('/format.js is the compiled module, with nothing to import, so a browser loads it as it is', () => {
    const served = get('/format.js');
    assert.match(served.type, /^text\/javascript/);
    assert.equal(served.body, readFileSync(repoPath('dist', 'src', 'render', 'format.js'), 'utf8'));
    assert.doesNotMatch(served.body, /^\s*import\s/m, 'no run-time import');
    assert.match(served.body, /export function summaryLine/);
  });

  test('the dashboard imports them and keeps no copy of its own', () => {
    const app = readFileSync(repoPath('dashboard', 'app.js'), 'utf8');
    assert.match(app, /^import \{[^}]*\bsummaryLine\b[^}]*\} from '\.\/format\.js';$/m);
    for (const name of ['formatBytes', 'formatDuration', 'clock', 'copyProgress', 'summaryLine']) assert.doesNotMatch(app, new RegExp(`function ${name}\\b`), name);
  });

  test('nothing else outside dashboard/ is served', () => {
    assert.throws(() => get('/../package.json'), { code: 'PH4002' });
    assert.throws(() => get('/render/format.js'), { code: 'PH4002' });
  });
});
