import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * What one client can hold of the server: connections beyond `maxConnections` make room by
 * closing idle ones (no request in flight), the longest idle first, so thousands of connections
 * that never send anything cannot starve real clients nor exhaust file descriptors; a newcomer is
 * refused only when every connection is busy. Requests must send their headers within
 * `headersTimeoutMs` (Node checks every `CHECK_INTERVAL_MS`) and all of themselves within
 * `requestTimeoutMs`; idle keep-alive connections close after `KEEP_ALIVE_MS`.
 */
export interface ServeLimits {
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

export const DEFAULT_SERVE_LIMITS: ServeLimits = { maxConnections: 256, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };
export const KEEP_ALIVE_MS = 5_000;
const CHECK_INTERVAL_MS = 500;

/** The options of http.createServer for `limits`. */
export function serverTimeouts(limits: ServeLimits): { headersTimeout: number; requestTimeout: number; keepAliveTimeout: number; connectionsCheckingInterval: number } {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
    keepAliveTimeout: KEEP_ALIVE_MS,
    connectionsCheckingInterval: CHECK_INTERVAL_MS,
  };
}

export function capConnections(server: Server, maxConnections: number): void {
  const open = new Set<Socket>();
  // Idle connections in the order they became idle: a Map iterates in insertion order.
  const idle = new Map<Socket, true>();
  const forget = (socket: Socket): void => {
    open.delete(socket);
    idle.delete(socket);
  };
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => forget(socket));
    let excess = open.size - maxConnections;
    for (const other of idle.keys()) {
      if (excess <= 0) break;
      other.destroy();
      forget(other);
      excess -= 1;
    }
    if (excess > 0) {
      socket.destroy();
      forget(socket);
    } else {
      idle.set(socket, true);
    }
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    idle.delete(socket);
    res.once('close', () => {
      if (!socket.destroyed && open.has(socket)) idle.set(socket, true);
    });
  });
}
