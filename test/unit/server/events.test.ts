import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { PumphouseConfig } from '../../../src/config/load.js';
import { PumphouseError } from '../../../src/errors.js';
import { startApiServer } from '../../../src/server/server.js';
import { tempFiles } from '../../helpers/tmp.js';

// The event stream's bookkeeping, in process: a client that goes away mid-stream is forgotten at
// once (the server keeps emitting without it), the journal's numbering goes on across a restart,
// a line torn by a crash is repaired, and only one server writes a journal.

const CONFIG = { hosts: {} } as unknown as PumphouseConfig; // the event routes never touch a cloud
const TOKEN = 'events-token-0123456789';

function openStream(url: string): Promise<{ firstBytes: string; destroy(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/events`, { headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      res.once('data', (d: Buffer) => resolve({ firstBytes: d.toString(), destroy: () => req.destroy() }));
    });
    req.on('error', (error) => (error.message.includes('aborted') || error.message.includes('socket hang up') ? undefined : reject(error)));
    req.end();
  });
}

test('a client that disconnects mid-stream is forgotten; event ids go on across a restart', async () => {
  const files = tempFiles({});
  const statePath = files.path('state.json');
  let server = await startApiServer({ config: CONFIG, statePath, host: '127.0.0.1', port: 0, token: TOKEN });
  try {
    const client = await openStream(server.url);
    assert.match(client.firstBytes, /^: pumphouse events/);
    assert.equal(server.journal.listeners, 1);
    client.destroy();
    for (let i = 0; i < 50 && server.journal.listeners > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(server.journal.listeners, 0, 'the gone client costs nothing');
    for (let i = 0; i < 3; i++) server.journal.bus.emit({ type: 'warning', level: 'warn', message: `event ${i}`, data: { code: 'PH0001' } });
    assert.deepEqual(server.journal.since(0).map((e) => e.seq), [1, 2, 3]);
    await server.close();
    server = await startApiServer({ config: CONFIG, statePath, host: '127.0.0.1', port: 0, token: TOKEN });
    server.journal.bus.emit({ type: 'warning', level: 'warn', message: 'after the restart', data: { code: 'PH0001' } });
    assert.deepEqual(server.journal.since(2).map((e) => [e.seq, e.message]), [[3, 'event 2'], [4, 'after the restart']]);
  } finally {
    await server.close();
    files.cleanup();
  }
});

/** The ids of the events a client that last saw `lastEventId` is sent, read until `count` came (or 2 s passed). */
function replay(url: string, lastEventId: number, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const ids: number[] = [];
    const req = request(`${url}/v1/events`, { headers: { authorization: `Bearer ${TOKEN}`, 'last-event-id': String(lastEventId) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => {
        text += d.toString();
        ids.splice(0, ids.length, ...[...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])));
        if (ids.length >= count) {
          req.destroy();
          resolve(ids);
        }
      });
      res.on('end', () => resolve(ids));
    });
    req.on('error', (error) => (ids.length >= count ? undefined : reject(error)));
    setTimeout(() => {
      req.destroy();
      resolve(ids);
    }, 2000);
    req.end();
  });
}

test('a torn last line of the journal is cut off at start: replays work and ids go on from the last good event', async () => {
  const files = tempFiles({});
  const statePath = files.path('state.json');
  const journal = files.path('events.ndjson');
  const event = (seq: number): string => JSON.stringify({ type: 'warning', level: 'warn', message: `event ${seq}`, data: { code: 'PH0001' }, seq, time: '2026-01-01T00:00:00.000Z' });
  writeFileSync(journal, `${event(1)}\n${event(2)}\n${event(3)}\n${event(4).slice(0, 25)}`); // killed mid-append
  const server = await startApiServer({ config: CONFIG, statePath, host: '127.0.0.1', port: 0, token: TOKEN });
  try {
    assert.deepEqual(await replay(server.url, 1, 2), [2, 3], 'a reconnecting client gets what it missed, not an empty reply');
    server.journal.bus.emit({ type: 'warning', level: 'warn', message: 'after the repair', data: { code: 'PH0001' } });
    const lines = readFileSync(journal, 'utf8').trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { seq: number }).seq), [1, 2, 3, 4], 'the torn line is gone; the new event is a line of its own, numbered after the last good one');
    assert.deepEqual(await replay(server.url, 3, 1), [4]);
  } finally {
    await server.close();
    files.cleanup();
  }
});

test('two servers on one state do not both write the journal: the second is refused, naming the first', async () => {
  const files = tempFiles({});
  const statePath = files.path('state.json');
  const first = await startApiServer({ config: CONFIG, statePath, host: '127.0.0.1', port: 0, token: TOKEN });
  let second: Awaited<ReturnType<typeof startApiServer>> | undefined;
  try {
    const error = await startApiServer({ config: CONFIG, statePath, host: '127.0.0.1', port: 0, token: TOKEN }).then((s) => {
      second = s;
      return undefined;
    }, (e: unknown) => e);
    assert.ok(error instanceof PumphouseError, 'the second server is refused');
    assert.equal(error.code, 'PH1710');
    assert.match(error.message, /events\.ndjson.*locked by/);
  } finally {
    await second?.close();
    await first.close();
    files.cleanup();
  }
  const again = await startApiServer({ config: CONFIG, statePath: files.path('state.json'), host: '127.0.0.1', port: 0, token: TOKEN });
  await again.close();
});
