import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { PumphouseConfig } from '../../../src/config/load.js';
import { startApiServer } from '../../../src/server/server.js';
import { tempFiles } from '../../helpers/tmp.js';

// The event stream's bookkeeping, in process: a client that goes away mid-stream is forgotten at
// once (the server keeps emitting without it), and the journal's numbering goes on across a restart.

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
    for (let i = 0; i < 3; i++) server.journal.bus.emit({ type: 'warning', level: 'warn', message: `event ${i}`, data: { code: 'PH0000' } });
    assert.deepEqual(server.journal.since(0).map((e) => e.seq), [1, 2, 3]);
    await server.close();
    server = await startApiServer({ config: CONFIG, statePath, host: '127.0.0.1', port: 0, token: TOKEN });
    server.journal.bus.emit({ type: 'warning', level: 'warn', message: 'after the restart', data: { code: 'PH0000' } });
    assert.deepEqual(server.journal.since(2).map((e) => [e.seq, e.message]), [[3, 'event 2'], [4, 'after the restart']]);
  } finally {
    await server.close();
    files.cleanup();
  }
});
