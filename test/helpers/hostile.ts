import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A hostile HTTP server on loopback, for the tests of Pumphouse's limits: to every request it
 * answers `status` with a JSON content type, then either floods (64 KiB chunks as fast as the
 * client reads, up to 1 GiB) or trickles (one byte every 300 ms, never ending).
 */
export interface Hostile {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  sentBytes(): number;
  close(): Promise<void>;
}

export async function hostileServer(mode: 'flood' | 'trickle', options: { status?: number; headers?: Record<string, string> } = {}): Promise<Hostile> {
  let sent = 0;
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    req.resume();
    open.add(res);
    res.on('close', () => open.delete(res));
    res.writeHead(options.status ?? 200, { 'content-type': 'application/json', ...options.headers });
    res.write('{"x": "');
    if (mode === 'flood') {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = (): void => {
        while (!res.destroyed && sent < 1 << 30) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      pump();
    } else {
      const timer = setInterval(() => {
        sent += 1;
        res.write('a');
      }, 300);
      res.on('close', () => clearInterval(timer));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    sentBytes: () => sent,
    close: () => new Promise((resolve) => {
      for (const res of open) res.destroy();
      server.close(() => resolve());
    }),
  };
}
