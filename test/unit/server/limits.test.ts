import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { PumphouseConfig } from '../../../src/config/load.js';
import { startApiServer } from '../../../src/server/server.js';
import { tempFiles } from '../../helpers/tmp.js';
import { sleep } from '../../../src/wait.js';

// Connections that never send a request cannot exhaust the server: beyond its connection cap the
// idle ones are closed first (so a real client still gets in), and one that sends no complete
// request headers in time is closed by the headers timeout.

const CONFIG = { hosts: {} } as unknown as PumphouseConfig;
const TOKEN = 'limits-token-0123456789';

function idleSocket(port: number): Promise<{ socket: Socket; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let closed = false;
    const socket = connect(port, '127.0.0.1', () => resolve({ socket, closed: () => closed }));
    socket.resume(); // read what the server sends, so its close is seen
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/applies`, { headers: { authorization: `Bearer ${TOKEN}` }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('no answer within 5 s')));
    req.end();
  });
}

test('beyond the connection cap idle connections are closed first; a real request still gets in', { timeout: 30_000 }, async () => {
  const files = tempFiles({});
  const options = { config: CONFIG, statePath: files.path('state.json'), host: '127.0.0.1', port: 0, token: TOKEN, limits: { maxConnections: 20, headersTimeoutMs: 60_000 } };
  const server = await startApiServer(options);
  const sockets: Array<{ socket: Socket; closed: () => boolean }> = [];
  try {
    const port = Number(new URL(server.url).port);
    for (let i = 0; i < 60; i++) sockets.push(await idleSocket(port));
    await sleep(300);
    const open = sockets.filter((s) => !s.closed()).length;
    assert.ok(open <= 20, `${open} idle connections still open; the cap is 20`);
    assert.equal(await get(server.url), 200, 'a real client is served while idle ones hog the cap');
  } finally {
    for (const s of sockets) s.socket.destroy();
    await server.close();
    files.cleanup();
  }
});

test('a connection that sends no complete request headers is closed after the headers timeout', { timeout: 30_000 }, async () => {
  const files = tempFiles({});
  const options = { config: CONFIG, statePath: files.path('state.json'), host: '127.0.0.1', port: 0, token: TOKEN, limits: { maxConnections: 100, headersTimeoutMs: 500 } };
  const server = await startApiServer(options);
  const sockets: Array<{ socket: Socket; closed: () => boolean }> = [];
  try {
    const port = Number(new URL(server.url).port);
    for (let i = 0; i < 5; i++) {
      const s = await idleSocket(port);
      s.socket.write('GET /v1/applies HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // and never the blank line
      sockets.push(s);
    }
    for (let i = 0; i < 60 && sockets.some((s) => !s.closed()); i++) await sleep(100);
    assert.equal(sockets.filter((s) => !s.closed()).length, 0, 'every half-sent request was closed within 6 s');
  } finally {
    for (const s of sockets) s.socket.destroy();
    await server.close();
    files.cleanup();
  }
});
