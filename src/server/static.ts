import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { PumphouseError, quoted } from '../errors.js';
import { shippedPath } from '../engine/files.js';
import { API_CODES, decodePathPart } from './http.js';

/**
 * The dashboard's files (`dashboard/` in the repository: plain HTML, CSS and ES modules, no
 * build step), served as they are. Only files under that folder, and the modules it shares with
 * the CLI, compiled by `npm run build` (they import nothing at run time); never a listing.
 */
const ROOT = shippedPath('dashboard');
const SHARED: ReadonlyMap<string, string> = new Map([['/format.js', shippedPath('dist', 'src', 'render', 'format.js')]]);
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
};

export function serveStatic(res: ServerResponse, pathname: string): void {
  const file = SHARED.get(pathname) ?? dashboardFile(pathname);
  if (!file || !existsSync(file) || !statSync(file).isFile()) {
    throw new PumphouseError(API_CODES.notFound, `no file ${quoted(pathname)}`, { hint: 'the dashboard is at /; the API under /v1' });
  }
  const body = readFileSync(file);
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

/** The file under dashboard/ that `pathname` names, if it names one there. */
function dashboardFile(pathname: string): string | undefined {
  const file = normalize(join(ROOT, pathname === '/' ? 'index.html' : decodePathPart(pathname.slice(1))));
  return file.startsWith(ROOT + sep) ? file : undefined;
}
